"""Staff pages for cases: list, open, detail (with the transitions the user may fire), and the
form of one transition. Every change goes through `services`; refusals show their message next to
the field or button that caused them, with the user's input kept."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from sanxiang.cases import deadlines, selectors, services, tally
from sanxiang.cases.filtersets import CaseFilterSet
from sanxiang.cases.forms import OpenCaseForm, raw_inputs
from sanxiang.cases.signals import case_viewed
from sanxiang.catalog.models import Article
from sanxiang.core import tabular
from sanxiang.core.errors import DomainError, NotFound
from sanxiang.core.paging import KnownCount, names_a_filter
from sanxiang.core.parsing import parse_int
from sanxiang.core.roles import Role
from sanxiang.org import reauth
from sanxiang.org.models import User


def _case_or_404(request, number: str):
    try:
        return selectors.case_for(request.user, number=number)
    except NotFound:
        raise Http404 from None


@login_required
def case_list(request):
    filterset = CaseFilterSet(
        request.GET or None, queryset=selectors.cases_visible_to(request.user), request=request
    )
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    if request.GET.get("format") in tabular.FORMATS:
        return tabular.export_response(
            "cases",
            EXPORT_COLUMNS,
            (_export_row(c) for c in queryset.order_by("-opened_at")),
            request.GET["format"],
        )
    listed = queryset.order_by("-opened_at")
    if not names_a_filter(request.GET, CaseFilterSet):  # the count from the tallies: no COUNT(*)
        listed = KnownCount(listed, tally.visible_count(request.user))
    page = Paginator(listed, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(request, "cases/list.html", {"filter": filterset, "page": page, "query": query.urlencode()})


# The case list as a download (?format=csv|xlsx), same filters and scope as the page.
EXPORT_COLUMNS = [
    ("number", gettext_lazy("案件编号")),
    ("title", gettext_lazy("案由")),
    ("procedure", gettext_lazy("程序")),
    ("stage", gettext_lazy("阶段")),
    ("party", gettext_lazy("当事人")),
    ("agency", gettext_lazy("执法主体")),
    ("opened_at", gettext_lazy("登记时间")),
    ("decided_on", gettext_lazy("决定日期")),
    ("fine_amount", gettext_lazy("罚款金额")),
]


def _export_row(case) -> dict:
    return {
        "number": case.number,
        "title": case.title,
        "procedure": _(case.definition.name),
        "stage": _(case.stage_name),
        "party": case.party.name if case.party else "",
        "agency": case.agency.name,
        "opened_at": case.opened_at,
        "decided_on": case.decided_on,
        "fine_amount": case.fine_amount,
    }


@login_required
@require_http_methods(["GET", "POST"])
def case_open(request):
    if not request.user.roles & {Role.OFFICER, Role.HEAD} or request.user.agency is None:
        raise Http404
    form = OpenCaseForm(
        request.POST or None, user=request.user, initial={"procedure": request.GET.get("procedure")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.open_case(
                agency=request.user.agency,
                procedure=data["procedure"],
                actor=request.user,
                title=data["title"],
                item=data["item"],
                party=data["existing_party"],
                party_data=form.party_data(),
                handlers=list(data["handlers"]),
                facts=data["facts"],
                place=data["place"],
                act_date=data["act_date"],
                source=data["source"],
                sensitive=data["sensitive"],
            )
        except DomainError as refusal:
            field = refusal.field if refusal.field in form.fields else None
            if refusal.field and f"party_{refusal.field}" in form.fields:
                field = f"party_{refusal.field}"
            form.add_error(field, refusal.message)
        else:
            messages.success(request, _("已登记案件 %(number)s。") % {"number": case.number})
            return redirect("cases:detail", number=case.number)
    return render(request, "cases/open.html", {"form": form})


@login_required
def case_detail(request, number: str):
    case = _case_or_404(request, number)
    case_viewed.send(
        type(case), case=case, user=request.user, door="web", reason=request.GET.get("reason", "")
    )
    definition = case.definition
    reached = set(case.events.values_list("to_stage", flat=True))
    context = {
        "case": case,
        "definition": definition,
        "stages": [
            (s, s.code in reached and s.code != case.stage, s.code == case.stage) for s in definition.stages
        ],
        "options": services.options(case, request.user),
        "events": case.events.select_related("actor").order_by("seq"),
        "deadlines": case.deadlines.order_by("due_on"),
        "clocks": [
            deadlines.clock_of(d) for d in case.deadlines.exclude(status="cancelled").order_by("due_on")
        ],
        "proposal": case.current_proposal,
        "handlers": case.handlers.all(),
        "extra_panels": case_panels(request, case),
    }
    return render(request, "cases/detail.html", context)


def case_panels(request, case) -> list[tuple[str, dict]]:
    """Sections other apps add to the case page (evidence, review, documents…), by registration."""
    from sanxiang.cases import page_sections

    return page_sections.render_for(request, case)


@login_required
@require_http_methods(["GET", "POST"])
def case_transition(request, number: str, name: str):
    case = _case_or_404(request, number)
    try:
        move = case.definition.transition(name)
    except KeyError:
        raise Http404 from None
    if move.act == "decision" and (ask := reauth.ensure_recent_auth(request)):
        return ask  # a decision needs the password confirmed recently (org/reauth.py)
    errors: dict[str, str] = {}
    general_error = ""
    values = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            version = parse_int(request.POST.get("version"), 0)
            services.transition(
                case,
                name,
                actor=request.user,
                data=raw_inputs(move.inputs, request.POST),
                reason=request.POST.get("reason", ""),
                expected_version=version or None,
            )
        except DomainError as refusal:
            if refusal.field and move.input(refusal.field):
                errors[refusal.field] = refusal.message
            else:
                general_error = refusal.message
        else:
            messages.success(request, _("已办理：%(label)s") % {"label": _(move.label)})
            return redirect("cases:detail", number=case.number)
    context = {
        "case": case,
        "move": move,
        "fields": _fields(case, move, values, errors),
        "general_error": general_error,
        "reason": values.get("reason", "") if values else "",
    }
    return render(request, "cases/transition.html", context, status=422 if (errors or general_error) else 200)


def _fields(case, move, values, errors) -> list[dict]:
    fields = []
    for spec in move.inputs:
        field = {"spec": spec, "error": errors.get(spec.name, ""), "choices": list(spec.choices)}
        if spec.kind in {"multichoice", "officers", "articles"}:
            field["value"] = values.getlist(spec.name) if values else []
        elif spec.kind == "bool":
            field["value"] = bool(values and spec.name in values)
        else:
            field["value"] = values.get(spec.name, "") if values else ""
        if spec.kind == "officers":
            officers = User.objects.filter(agency=case.agency, groups__name=Role.OFFICER, is_active=True)
            field["choices"] = [(u.username, f"{u.display_name}（{u.username}）") for u in officers]
        elif spec.kind == "articles":
            field["choices"] = [(str(a.pk), a.citation) for a in _article_choices(case)]
        fields.append(field)
    return fields


def _article_choices(case):
    if case.item is None:
        return Article.objects.none()
    ids = set(case.item.penalty_basis.values_list("pk", flat=True)) | set(
        case.item.legal_basis.values_list("pk", flat=True)
    )
    return Article.objects.filter(pk__in=ids).select_related("law")
