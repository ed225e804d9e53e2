"""The review test world: an agency with a catalog, a review body and the usual cast."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sanxiang.cases import services as case_services
from sanxiang.catalog import services as catalog_services
from sanxiang.core.roles import Role
from sanxiang.review import services
from sanxiang.review.choices import Aspect
from tests.cases.walk import PROPOSAL, inputs_for
from tests.factories import World, staff
from tests.records.helpers import prepare_act

CRITERIA = [
    {
        "code": "FINE-P",
        "kind": "fine_at_least",
        "description": "对自然人处以2万元以上罚款",
        "party_kind": "person",
        "amount": Decimal("20000"),
    },
    {
        "code": "FINE-O",
        "kind": "fine_at_least",
        "description": "对法人或者其他组织处以5万元以上罚款",
        "party_kind": "organisation",
        "amount": Decimal("50000"),
    },
    {
        "code": "CONF",
        "kind": "confiscation_at_least",
        "description": "没收违法所得、非法财物价值5万元以上",
        "amount": Decimal("50000"),
    },
    {
        "code": "REVOKE",
        "kind": "penalty_type",
        "description": "吊销许可证件、降低资质等级",
        "values": ["revoke_licence", "lower_qualification"],
    },
    {
        "code": "CLOSE",
        "kind": "penalty_type",
        "description": "责令停产停业、责令关闭、限制从业",
        "values": ["order_suspension", "order_closure", "restrict_practice"],
        "requires_discussion": True,
    },
    {"code": "HEARING", "kind": "hearing_held", "description": "经过听证程序的案件"},
    {
        "code": "SEIZE",
        "kind": "major_property_coercion",
        "description": "对价值10万元以上的财物采取查封扣押",
        "amount": Decimal("100000"),
    },
    {
        "code": "REFUSE",
        "kind": "category_outcome",
        "description": "不予许可",
        "values": ["permit:refuse"],
        "categories": ["permit"],
    },
    {
        "code": "FLAG",
        "kind": "flag",
        "description": "承办人或负责人认定的重大情形",
        "values": ["major_public_interest", "major_social_impact", "complex", "required_by_law"],
    },
]

FINDINGS_OK = {a: ("compliant", "") for a in Aspect.values}


def make_catalog(agency, *, effective_from=dt.date(2025, 1, 1), criteria=CRITERIA):
    return catalog_services.create_review_catalog(
        agency=agency, effective_from=effective_from, source="测试目录", criteria=criteria, actor=None
    )


class ReviewWorld(World):
    def __init__(self, agency=None, *, catalog=True):
        super().__init__(agency)
        self.reviewer = staff(self.agency, Role.REVIEWER, certified=False, legal_qualification="A2019001")
        self.chief = staff(self.agency, Role.REVIEWER, certified=False, legal_qualification="A2019002")
        self.head2 = staff(self.agency, Role.HEAD, certified=False)
        self.head3 = staff(self.agency, Role.HEAD, certified=False)
        if catalog:
            self.catalog = make_catalog(self.agency)

    def walk(self, case, steps):
        for name, who in steps:
            data = inputs_for(self, case, name)
            prepare_act(self, case, name, data)  # e.g. a seizure's body-camera video (I4)
            case = case_services.transition(case, name, actor=getattr(self, who), data=data)
        return case

    def major_case(self, fine="60000", party=None, **proposal):
        """A general-procedure penalty case, proposed and notified, ready for decision."""
        case = self.case(party=party)
        case = self.walk(
            case, [("file", "head"), ("inspect", "officer"), ("conclude_investigation", "officer")]
        )
        basis = [str(a.pk) for a in case.item.penalty_basis.all()]
        data = {**PROPOSAL, "fine_amount": fine, "legal_basis": basis, **proposal}
        case = case_services.transition(case, "propose", actor=self.officer, data=data)
        return self.walk(case, [("notify", "officer")])

    def revise(self, case, **changes):
        basis = [str(a.pk) for a in case.item.penalty_basis.all()]
        data = {**PROPOSAL, "fine_amount": "60000", "legal_basis": basis, **changes}
        return case_services.transition(case, "revise_proposal", actor=self.officer, data=data)

    def submit(self, case):
        return services.submit(
            case, actor=self.officer, evidence_list="1. 现场检查笔录\n2. 询问笔录\n3. 抽检报告"
        )

    def pass_review(self, case, reviewer=None):
        review = services.accept(self.submit(case), actor=self.chief)
        review = services.assign(review, actor=self.chief, reviewer=reviewer or self.reviewer)
        return services.conclude(
            review,
            actor=review.reviewer,
            outcome="agree",
            opinion="事实清楚，依据正确，同意。",
            findings=FINDINGS_OK,
        )

    def decide(self, case, actor=None):
        return case_services.transition(case, "decide", actor=actor or self.head, data={})


def _criteria(self):
    return CRITERIA


ReviewWorld.catalog_criteria = _criteria
