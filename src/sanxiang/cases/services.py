"""State changes of cases. `transition()` is the only way a case moves (DESIGN.md: Workflow).

Every function runs in one transaction, takes the acting user explicitly, and raises a
`DomainError` with a stable code when a rule refuses — leaving the data exactly as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.cases import deadlines
from sanxiang.cases.choices import Step
from sanxiang.cases.effects import jsonable
from sanxiang.cases.models import Case, CaseEvent, Party, Proposal
from sanxiang.cases.signals import case_opened, case_transitioned, party_registered
from sanxiang.cases.workflow import Procedure, Transition, TransitionContext, registry
from sanxiang.catalog import rules
from sanxiang.catalog.choices import PartyKind
from sanxiang.catalog.models import Article, EnforcementItem
from sanxiang.core import clock, identifiers, sequences
from sanxiang.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from sanxiang.core.parsing import parse_int
from sanxiang.core.roles import Role
from sanxiang.core.scoping import CHANGE, agency_in_scope
from sanxiang.org.models import Agency, User
from sanxiang.org.services import require_qualified_officers

# --- parties ---------------------------------------------------------------------------------


@transaction.atomic
def register_party(*, agency: Agency, actor: User | None, kind: str, name: str, **fields: Any) -> Party:
    """Register a party, checking the identifier that its kind requires (rules.md §16.4)."""
    kind = PartyKind(kind)
    name = (name or "").strip()
    if not name:
        raise InvalidInput("party.name.required", _("请填写当事人名称或姓名。"), field="name")
    if kind == PartyKind.PERSON:
        if fields.get("id_type", "resident_id") in ("", "resident_id"):
            fields["id_type"] = "resident_id"
            fields["id_number"] = identifiers.validate_id_number(fields.get("id_number", ""))
            fields["birth_date"] = identifiers.birth_date_of(fields["id_number"])
        elif not (fields.get("id_number") or "").strip():
            raise InvalidInput("party.id_number.required", _("请填写证件号码。"), field="id_number")
        fields.pop("credit_code", None)
    else:
        fields["credit_code"] = identifiers.validate_credit_code(fields.get("credit_code", ""))
        if not (fields.get("legal_representative") or "").strip():
            raise InvalidInput(
                "party.legal_representative.required",
                _("请填写法定代表人或负责人。"),
                field="legal_representative",
            )
    party = Party.objects.create(
        agency=agency, kind=kind, name=name, created_by=actor, updated_by=actor, **fields
    )
    party_registered.send(Party, party=party, actor=actor)
    return party


# --- opening a case --------------------------------------------------------------------------


def case_number(agency: Agency, year: int, serial: int) -> str:
    return f"{agency.code.upper()}-{year}-{serial:05d}"


@transaction.atomic
def open_case(
    *,
    agency: Agency,
    procedure: str,
    actor: User,
    title: str,
    party: Party | None = None,
    item: EnforcementItem | None = None,
    handlers: Iterable[User] = (),
    party_data: Mapping[str, Any] | None = None,
    **fields: Any,
) -> Case:
    """Register a case (clue, application, plan…) in the first stage of its procedure, with the
    next gapless number of its agency and year. `party_data` registers a new party with it."""
    definition = _procedure(procedure)
    if not agency_in_scope(actor, agency, CHANGE) or not actor.roles & {Role.OFFICER, Role.HEAD}:
        raise Forbidden("case.open.forbidden", _("只有本机关执法人员或负责人可以登记案件。"))
    if not (title or "").strip():
        raise InvalidInput("case.title.required", _("请填写案由。"), field="title")
    if item is not None and item.agency_id != agency.pk:
        raise InvalidInput("case.item.other_agency", _("所选执法事项不属于本机关。"), field="item")
    if item is not None and item.category != definition.category:
        raise InvalidInput("case.item.category", _("所选执法事项与程序的执法类别不一致。"), field="item")
    if party is not None and party.agency_id != agency.pk:
        raise InvalidInput("case.party.other_agency", _("当事人须由本机关登记。"), field="party")
    handlers = list(handlers) or [actor]
    for handler in handlers:
        if handler.agency_id != agency.pk or not handler.has_role(Role.OFFICER):
            raise InvalidInput(
                "case.handler.invalid",
                _("%(handler)s不是本机关执法人员。") % {"handler": handler},
                field="handlers",
            )
    if party is None and party_data:
        party = register_party(agency=agency, actor=actor, **party_data)
    act_date = fields.get("act_date")
    if act_date and act_date > clock.today():
        raise InvalidInput("case.act_date.future", _("行为发生日期不能晚于今天。"), field="act_date")
    now = clock.now()
    year = clock.today().year
    serial = sequences.next_value(f"case:{agency.pk}:{year}")
    case = Case.objects.create(
        agency=agency,
        number=case_number(agency, year, serial),
        year=year,
        serial=serial,
        procedure=definition.code,
        category=definition.category,
        item=item,
        party=party,
        title=title.strip(),
        stage=definition.initial.code,
        opened_at=now,
        created_by=actor,
        updated_by=actor,
        **fields,
    )
    case.handlers.set(handlers)
    event = CaseEvent.objects.create(
        case=case,
        seq=1,
        transition="open",
        label="登记",
        from_stage="",
        to_stage=case.stage,
        step=Step.START,
        actor=actor,
        at=now,
        data={"title": case.title, "procedure": definition.code, "handlers": [h.username for h in handlers]},
    )
    case_opened.send(Case, case=case, actor=actor, event=event)
    return case


def _procedure(code: str) -> Procedure:
    try:
        return registry.procedure(code)
    except KeyError:
        raise InvalidInput(
            "case.procedure.unknown", _("未知的执法程序“%(code)s”。") % {"code": code}, field="procedure"
        ) from None


# --- firing transitions ----------------------------------------------------------------------


def check_actor(case: Case, transition: Transition, actor: User) -> None:
    """Role, scope and separation of duties (I6) — the same check for every door."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise Forbidden("auth.required", _("请先登录。"))
    if not agency_in_scope(actor, case.agency):
        raise NotFound()
    if not agency_in_scope(actor, case.agency, CHANGE):
        raise Forbidden("case.read_only", _("监督人员只能查阅，不能办理其他机关的案件。"))
    if not actor.roles & transition.roles:
        names = _("、").join(str(Role(r).label) for r in sorted(transition.roles))
        raise Forbidden(
            "case.transition.role",
            _("“%(label)s”只能由%(names)s办理。") % {"label": _(transition.label), "names": names},
        )
    is_handler = case.handlers.filter(pk=actor.pk).exists()
    if transition.handler_only and not is_handler:
        raise Forbidden(
            "case.transition.not_handler",
            _("只有本案承办人可以办理“%(label)s”。") % {"label": _(transition.label)},
        )
    if transition.approval:
        if is_handler:
            raise Forbidden(
                "case.sod.handler_approves",
                _("承办人不能审批本人承办的案件（“%(label)s”）。") % {"label": _(transition.label)},
            )
        last = case.events.order_by("-seq").first()
        if last is not None and last.actor_id == actor.pk and last.transition in _ACTS_NEEDING_APPROVAL:
            raise Forbidden("case.sod.own_act", _("不能审批本人提交的事项。"))


# Acts whose next approval must come from someone else (a user cannot approve their own act, I6).
_ACTS_NEEDING_APPROVAL = {"open", "propose", "revise_proposal", "notify", "examine", "conclude_investigation"}


def _resolve(case: Case, transition: Transition, data: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(data) - {i.name for i in transition.inputs}
    if unknown:
        name = sorted(unknown)[0]
        raise InvalidInput(
            "case.input.unknown_field",
            _("“%(label)s”不接受字段“%(name)s”。") % {"label": _(transition.label), "name": name},
            field=name,
        )
    cleaned = {i.name: i.clean(data.get(i.name)) for i in transition.inputs}
    for spec in transition.inputs:
        if spec.kind == "officers":
            cleaned[spec.name] = _officers(case, cleaned[spec.name], spec.name)
        elif spec.kind == "articles":
            cleaned[spec.name] = _articles(cleaned[spec.name], spec.name)
    return cleaned


def _officers(case: Case, refs: list[str], field: str) -> list[User]:
    users = []
    for ref in refs:
        query = User.objects.filter(agency=case.agency, is_active=True)
        pk = parse_int(ref)
        user = (query.filter(pk=pk) if pk is not None else query.filter(username=ref)).first()
        if user is None:
            raise InvalidInput(
                "case.input.officer_unknown", _("“%(ref)s”不是本机关的工作人员。") % {"ref": ref}, field=field
            )
        users.append(user)
    return users


def _articles(refs: list[str], field: str) -> list[Article]:
    ids = [i for i in (parse_int(r) for r in refs) if i is not None]
    found = list(Article.objects.filter(pk__in=ids).select_related("law"))
    if len(ids) != len(refs) or len(found) != len(set(ids)):
        raise InvalidInput("case.input.article_unknown", _("所选法律条款不存在。"), field=field)
    return found


@transaction.atomic
def transition(
    case: Case,
    name: str,
    *,
    actor: User,
    data: Mapping[str, Any] | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Case:
    """Fire transition `name` on `case`: lock, check everything, apply, record — or change nothing."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("agency__division", "party", "item")
        .get(pk=case.pk)
    )
    if expected_version is not None and case.version != expected_version:
        raise DomainError("case.stale", _("案件已被他人更新，请刷新页面后重试。"))
    procedure = case.definition
    try:
        move = procedure.transition(name)
    except KeyError:
        raise InvalidInput(
            "case.transition.unknown",
            _("程序“%(procedure)s”没有“%(name)s”这一环节。") % {"procedure": _(procedure.name), "name": name},
        ) from None
    check_actor(case, move, actor)
    if case.stage not in move.sources:
        raise DomainError(
            "case.transition.not_allowed",
            _("案件当前处于“%(stage)s”阶段，不能办理“%(label)s”。")
            % {"stage": _(procedure.stage(case.stage).name), "label": _(move.label)},
        )
    ctx = TransitionContext(case, procedure, move, actor, _resolve(case, move, data or {}), reason.strip())
    # the state before the effects, for reactions that count differences (the dashboard's summary)
    ctx.extras["closed_on_before"] = case.closed_on
    if move.on_site:
        ctx.extras["certificates"] = require_qualified_officers(
            ctx.data["officers"],
            agency=case.agency,
            field_id=case.item.field_id if case.item else None,
            day=ctx.act_date,
            minimum=int(rules.param("PEN-08.min_officers", on=ctx.act_date, agency=case.agency).value),
        )
        if actor not in ctx.data["officers"]:
            raise InvalidInput(
                "case.officers.actor_absent", _("现场执法人员须包括登记人本人。"), field="officers"
            )
    for guard in (*move.guards, *registry.guards_for(procedure.code, move.name)):
        guard(ctx)
    for effect in (*move.effects, *registry.effects_for(procedure.code, move.name)):
        effect(ctx)
    _apply(ctx)
    return case


def _apply(ctx: TransitionContext) -> None:
    case, move = ctx.case, ctx.transition
    from_stage = case.stage
    if move.target:
        case.stage = move.target
    case.version += 1
    case.updated_by = ctx.actor
    case.save()
    for code in move.stops:
        deadlines.stop(case, code, ctx.act_date)
    for spec in move.starts:
        if spec.when is None or spec.when(ctx):
            starts_on = ctx.data.get(spec.start_input) if spec.start_input else ctx.act_date
            deadlines.start(case, spec, starts_on)
    step = move.step or ctx.procedure.stage(move.target or from_stage).step
    event = CaseEvent.objects.create(
        case=case,
        seq=(case.events.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1,
        transition=move.name,
        label=move.label,
        from_stage=from_stage,
        to_stage=case.stage,
        step=step,
        actor=ctx.actor,
        at=ctx.now,
        reason=ctx.reason,
        data=_event_data(ctx),
    )
    case_transitioned.send(Case, case=case, actor=ctx.actor, event=event, context=ctx)


def _event_data(ctx: TransitionContext) -> dict[str, Any]:
    data = {k: jsonable(v) for k, v in ctx.data.items() if v not in (None, "", [])}
    if "legal_basis" in ctx.data:
        data["legal_basis"] = [a.citation for a in ctx.data["legal_basis"]]
    if "certificates" in ctx.extras:
        data["certificates"] = [c.number for c in ctx.extras["certificates"]]
    if "proposal" in ctx.extras:
        data["proposal"] = {
            "version": ctx.extras["proposal"].version,
            "fingerprint": ctx.extras["proposal"].fingerprint,
        }
    if "deadline" in ctx.extras:
        data["deadline"] = ctx.extras["deadline"]
    return data


# --- proposals -------------------------------------------------------------------------------

_PROPOSAL_FIELDS = (
    "outcome",
    "penalty_types",
    "fine_amount",
    "confiscation_amount",
    "basis_text",
    "discretion_level",
    "circumstances",
    "summary",
    "reasons_evidence",
    "reasons_basis",
    "reasons_discretion",
)


def record_proposal(case: Case, *, actor: User, data: Mapping[str, Any], at: dt.datetime) -> Proposal:
    """A new version of the proposal; the previous one is superseded (and any review of it void)."""
    previous = case.proposals.filter(superseded=False)
    version = (case.proposals.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    previous.update(superseded=True)
    fields = {k: data[k] for k in _PROPOSAL_FIELDS if k in data and data[k] is not None}
    proposal = Proposal(
        case=case, version=version, party=case.party, created_by=actor, created_at=at, **fields
    )
    basis = list(data.get("legal_basis") or [])
    proposal.fingerprint = proposal.compute_fingerprint([a.pk for a in basis])
    proposal.save()
    proposal.legal_basis.set(basis)
    return proposal


# --- what a user may do next -----------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    transition: Transition
    allowed: bool
    reason: str = ""


def options(case: Case, user: User) -> list[Option]:
    """The transitions of the current stage with whether this user may fire them (role and duty
    checks, and the checks other apps registered as needing no input, such as the review gate;
    guards that need input run when the user submits)."""
    result = []
    for move in case.definition.available(case.stage):
        try:
            check_actor(case, move, user)
            for preview in registry.previews_for(case.procedure, move.name):
                preview(TransitionContext(case, case.definition, move, user, {}))
        except DomainError as refusal:
            result.append(Option(move, False, refusal.message))
        else:
            result.append(Option(move, True))
    return result
