"""Legal review in the demo: every agency gets a catalog and a review body; before a major case is
decided the demo passes its review (so the walker can decide); afterwards a few major cases are
left mid-way — pending review, returned for more material, contested and referred to collective
discussion, one review overdue — so each screen has something to show.

All names are synthetic (演示数据).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from sanxiang.catalog import services as catalog_services
from sanxiang.catalog.models import EnforcementItem
from sanxiang.core import clock
from sanxiang.core.errors import DomainError
from sanxiang.core.roles import Role
from sanxiang.org import services as org_services
from sanxiang.org.models import Agency, User
from sanxiang.review import services
from sanxiang.review.choices import Aspect, Flag
from sanxiang.review.evaluation import evaluate, facts_of

SHOWCASE = "（法制审核演示）"
EVIDENCE = "1. 现场检查笔录（3页）\n2. 询问笔录（5页）\n3. 抽样检验报告（2页）\n4. 营业执照复印件（1页）"
OK = {a: ("compliant", "") for a in Aspect.values}

DEMO_CATALOG = [
    {
        "code": "R01",
        "kind": "fine_at_least",
        "description": "对公民处以1万元以上罚款",
        "party_kind": "person",
        "amount": Decimal("10000"),
        "source": "本机关重大执法决定法制审核目录（演示）",
    },
    {
        "code": "R02",
        "kind": "fine_at_least",
        "description": "对法人或者其他组织处以10万元以上罚款",
        "party_kind": "organisation",
        "amount": Decimal("100000"),
        "source": "本机关重大执法决定法制审核目录（演示）",
    },
    {
        "code": "R03",
        "kind": "confiscation_at_least",
        "description": "没收违法所得、非法财物价值10万元以上",
        "amount": Decimal("100000"),
    },
    {
        "code": "R04",
        "kind": "penalty_type",
        "description": "降低资质等级、吊销许可证件",
        "values": ["lower_qualification", "revoke_licence"],
    },
    {
        "code": "R05",
        "kind": "penalty_type",
        "description": "责令停产停业、责令关闭、限制从业",
        "values": ["order_suspension", "order_closure", "restrict_practice"],
    },
    {
        "code": "R06",
        "kind": "hearing_held",
        "description": "经过听证程序作出的行政执法决定",
        "source": "行政处罚法第58条",
    },
    {
        "code": "R07",
        "kind": "major_property_coercion",
        "description": "查封、扣押价值50万元以上的财物",
        "amount": Decimal("500000"),
    },
    {
        "code": "R08",
        "kind": "flag",
        "description": "涉及重大公共利益，可能造成重大社会影响或引发社会风险，案情疑难复杂、涉及多个法律关系",
        "values": [Flag.MAJOR_PUBLIC_INTEREST, Flag.MAJOR_SOCIAL_IMPACT, Flag.COMPLEX, Flag.REQUIRED_BY_LAW],
        "source": "行政处罚法第58条；国办发〔2018〕118号",
    },
]


def register(hooks) -> None:
    hooks.before("propose")(_prepare_agency)
    hooks.before("examine")(_prepare_agency)
    hooks.before("decide")(_pass_review_if_needed)
    hooks.finally_(_showcase)


# --- the agency's catalog and review body ----------------------------------------------------


def _reviewer_of(agency: Agency) -> User:
    found = User.objects.filter(agency=agency, groups__name=Role.REVIEWER, is_active=True).exclude(
        legal_qualification=""
    )
    if found.exists():
        return found.order_by("username").first()
    username = f"{agency.code}-fzsh"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = org_services.create_staff(
            agency=agency,
            username=username,
            full_name=f"{agency.short_name}审核员（演示）",
            roles=[Role.REVIEWER],
            password=settings.DEMO_PASSWORD,
            legal_qualification=f"A{agency.pk:04d}0001（演示）",
        )
    return user


def _doubled(criterion: dict) -> dict:
    """The 2020 version: the same criteria with twice the amounts."""
    if not criterion.get("amount"):
        return criterion
    text = criterion["description"]
    for old, new in (("50万", "100万"), ("10万", "20万"), ("1万", "2万")):
        if old in text:
            text = text.replace(old, new)
            break
    return {**criterion, "amount": criterion["amount"] * 2, "description": text}


@transaction.atomic
def ensure_agency(agency: Agency) -> User:
    """A catalog in force since 2020 (and its 2026 revision), a review body, one reviewer."""
    if not agency.review_catalogs.exists():
        catalog_services.create_review_catalog(
            agency=agency,
            effective_from=dt.date(2020, 1, 1),
            source=f"{agency.name}重大执法决定法制审核目录清单（演示，2020年版）",
            criteria=[_doubled(c) for c in DEMO_CATALOG],
            actor=None,
        )
        catalog_services.create_review_catalog(
            agency=agency,
            effective_from=dt.date(2026, 1, 1),
            source=f"{agency.name}重大执法决定法制审核目录清单（演示，2026年修订）",
            criteria=DEMO_CATALOG,
            actor=None,
            note="降低罚款数额标准",
        )
    reviewer = _reviewer_of(agency)
    if not hasattr(agency, "review_body"):
        from sanxiang.review.models import ReviewBody

        ReviewBody.objects.get_or_create(
            agency=agency, defaults={"name": f"{agency.name}法制审核科（演示）", "leader": reviewer}
        )
    return reviewer


def _prepare_agency(case, transition, cast):
    ensure_agency(case.agency)


# --- before a decision: pass the review the gate asks for ------------------------------------


def _head_of(case) -> User | None:
    return (
        User.objects.filter(agency=case.agency, groups__name=Role.HEAD, is_active=True)
        .exclude(pk__in=case.handlers.values("pk"))
        .order_by("username")
        .first()
    )


def _pass_review_if_needed(case, transition, cast):
    case = case.__class__.objects.get(pk=case.pk)
    proposal = case.current_proposal
    facts = facts_of(case, proposal)
    if not evaluate(case, facts, clock.today()).required or services.passed_review(case, proposal):
        return None
    reviewer = ensure_agency(case.agency)
    handler = case.handlers.order_by("username").first()
    extra = None
    draft = None
    if proposal is None:
        choices = services.decision_choices(case)
        if not choices:
            return None
        draft = {
            "outcome": choices[0][0],
            "summary": "拟依法作出决定（演示）。",
            "basis_text": "行政强制法第28条",
        }
        name = "method" if case.definition.transition("decide").input("method") else "outcome"
        extra = {name: choices[0][0]}
    try:
        review = services.submit(case, actor=handler, evidence_list=EVIDENCE, draft=draft)
    except DomainError as refusal:
        if refusal.code != "review.submit.incomplete" or refusal.details.get("missing") != [
            "discretion_reasons"
        ]:
            raise
        _add_discretion_reasons(case, handler)
        review = services.submit(case, actor=handler, evidence_list=EVIDENCE)
    review = services.accept(review, actor=reviewer)
    review = services.assign(review, actor=reviewer, reviewer=reviewer)
    services.conclude(
        review, actor=reviewer, outcome="agree", opinion="主体合法，程序正当，事实清楚，同意。", findings=OK
    )
    classification = services.current_classification(case)
    if classification is not None and classification.discussion_required:
        _discuss(case)
    return extra


def _add_discretion_reasons(case, handler) -> None:
    """A demo proposal written without discretion reasons gets them in a revised version."""
    from sanxiang.cases import services as case_services

    proposal = case.current_proposal
    data = {
        "outcome": proposal.outcome,
        "penalty_types": proposal.penalty_types,
        "fine_amount": proposal.fine_amount,
        "confiscation_amount": proposal.confiscation_amount,
        "discretion_level": proposal.discretion_level,
        "legal_basis": [str(a.pk) for a in proposal.legal_basis.all()],
        "basis_text": proposal.basis_text,
        "summary": proposal.summary,
        "reasons_evidence": proposal.reasons_evidence,
        "reasons_basis": proposal.reasons_basis,
        "reasons_discretion": "综合违法情节和危害后果，在裁量基准的一般阶次内处罚（演示）。",
    }
    case_services.transition(case, "revise_proposal", actor=handler, data=data)


def _discuss(case, contest=None, outcome="approve"):
    head = _head_of(case)
    if head is None:
        return None
    others = list(
        User.objects.filter(agency=case.agency, is_active=True, groups__name=Role.HEAD).exclude(pk=head.pk)[
            :4
        ]
    )
    if len(others) < 2:
        others += list(
            User.objects.filter(agency=case.agency, is_active=True, groups__name=Role.REVIEWER).exclude(
                pk=head.pk
            )[: 2 - len(others)]
        )
    return services.hold_discussion(
        case,
        actor=head,
        held_on=clock.today(),
        attendees=others,
        minutes="经集体讨论，与会人员一致认为……（演示）",
        outcome=outcome,
        contest=contest,
    )


# --- after the walk: major cases left mid-way ------------------------------------------------


def _showcase_agency():
    for agency in Agency.objects.order_by("code"):
        item = EnforcementItem.objects.filter(
            agency=agency, category="penalty", penalty_basis__isnull=False
        ).first()
        heads = User.objects.filter(agency=agency, groups__name=Role.HEAD, is_active=True)
        officers = [
            u
            for u in User.objects.filter(agency=agency, groups__name=Role.OFFICER, is_active=True)
            if org_services.valid_certificate(u, item.field_id if item else None, clock.today())
        ]
        if item and heads.exists() and len(officers) >= 2:
            return agency, item, officers[:2], heads.first()
    return None


def _party(agency, officer, serial: int):
    from sanxiang.cases import services as case_services
    from sanxiang.core import identifiers

    return case_services.register_party(
        agency=agency,
        actor=officer,
        kind="organisation",
        name=f"演示商贸有限公司{serial}（虚构）",
        credit_code=identifiers.make_credit_code(f"91990100MA{serial:07d}"),
        legal_representative="演示人",
    )


def _major_case(agency, item, officers, head, title: str, fine: str, serial: int):
    from sanxiang.cases import services as case_services

    case = case_services.open_case(
        agency=agency,
        procedure="penalty.general",
        actor=officers[0],
        title=f"{title}{SHOWCASE}",
        item=item,
        party=_party(agency, officers[0], serial),
        handlers=officers,
        facts="演示案情：当事人涉嫌违法经营，涉案货值较大。",
    )
    names = [o.username for o in officers]
    basis = [str(a.pk) for a in item.penalty_basis.all()]
    steps = [
        ("file", head, {}),
        ("inspect", officers[0], {"officers": names, "findings": "现场发现涉案物品一批。"}),
        ("conclude_investigation", officers[0], {"report": "事实清楚，证据确凿。"}),
        (
            "propose",
            officers[0],
            {
                "outcome": "penalty",
                "penalty_types": ["fine"],
                "fine_amount": fine,
                "legal_basis": basis,
                "summary": f"拟处罚款{fine}元。",
                "reasons_evidence": "现场检查笔录、询问笔录与检验报告相互印证。",
                "reasons_basis": "违法行为符合所引条款规定的情形。",
                "reasons_discretion": "涉案货值较大，在一般阶次内处罚。",
            },
        ),
        ("notify", officers[0], {"served_on": clock.today().isoformat(), "rights_waived": True}),
    ]
    for name, actor, data in steps:
        case = case_services.transition(case, name, actor=actor, data=data)
    return case


def _showcase(cast) -> None:
    found = _showcase_agency()
    if found is None:
        return
    agency, item, officers, head = found
    from sanxiang.cases.models import Case

    if Case.objects.filter(agency=agency, title__endswith=SHOWCASE).exists():
        return
    reviewer = ensure_agency(agency)
    serial = 9000000 + agency.pk * 10

    # 1. two major cases pending review: one not yet submitted, one submitted and not accepted
    _major_case(agency, item, officers, head, "涉嫌销售假冒商品", "150000", serial + 1)
    pending = _major_case(agency, item, officers, head, "涉嫌无证经营", "200000", serial + 2)
    services.submit(pending, actor=officers[0], evidence_list=EVIDENCE)

    # 2. returned for more material
    returned = _major_case(agency, item, officers, head, "涉嫌虚假宣传", "120000", serial + 3)
    review = services.assign(
        services.accept(services.submit(returned, actor=officers[0], evidence_list=EVIDENCE), actor=reviewer),
        actor=reviewer,
        reviewer=reviewer,
    )
    services.conclude(
        review,
        actor=reviewer,
        outcome="return",
        opinion="涉案货值认定依据不足，请补充价格认定材料后重新送审。",
        findings={**OK, Aspect.FACTS: ("problem", "货值认定缺少价格认定意见书。")},
    )

    # 3. contested, referred by the head to collective discussion
    contested = _major_case(agency, item, officers, head, "涉嫌销售不合格产品", "300000", serial + 4)
    review = services.assign(
        services.accept(
            services.submit(contested, actor=officers[0], evidence_list=EVIDENCE), actor=reviewer
        ),
        actor=reviewer,
        reviewer=reviewer,
    )
    review = services.conclude(
        review,
        actor=reviewer,
        outcome="amend",
        opinion="当事人系初次违法且主动消除危害后果，建议减轻处罚。",
        findings={**OK, Aspect.LAW: ("problem", "未适用从轻、减轻情节。")},
    )
    contest = services.contest(
        review, actor=officers[0], reasons="当事人在案发后仍继续销售，不符合从轻情节。"
    )
    services.decide_contest(contest, actor=head, decision="refer", reasons="案情复杂，提交集体讨论。")

    # 4. an overdue review: submitted and accepted three weeks ago, still without an opinion
    with clock.frozen(clock.now() - dt.timedelta(days=21)):
        overdue = _major_case(agency, item, officers, head, "涉嫌超范围经营", "110000", serial + 5)
        review = services.accept(
            services.submit(overdue, actor=officers[0], evidence_list=EVIDENCE), actor=reviewer
        )
        services.assign(review, actor=reviewer, reviewer=reviewer)
