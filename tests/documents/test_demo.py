"""The demo hooks issue the documents of each step and void one number (documents/demo.py)."""

import pytest

from sanxiang.cases import services as case_services
from sanxiang.demo.hooks import DemoHooks
from sanxiang.documents import demo
from sanxiang.documents.models import Document, DocumentNumber
from tests.cases.walk import PATHS, inputs_for
from tests.documents.helpers import party_with_address
from tests.records.helpers import prepare_act

pytestmark = pytest.mark.django_db


def test_demo_hooks_issue_documents_along_the_walk_and_void_one_number(world):
    hooks = DemoHooks()
    demo.register(hooks)
    for procedure in ("penalty.general", "penalty.simple", "coercion.measure", "permit"):
        party = party_with_address(world) if procedure == "penalty.general" else None
        case = world.case(procedure, party=party, facts="演示案情。")
        for name, who in PATHS[procedure]:
            data = inputs_for(world, case, name)
            prepare_act(world, case, name, data)  # what the records app's demo hook does (I4)
            case = case_services.transition(case, name, actor=getattr(world, who), data=data)
            hooks.run_after(case, name, cast=None)
    codes = set(Document.objects.values_list("code", flat=True))
    assert {
        "penalty_notice",
        "penalty_decision",
        "service_receipt",
        "closing_report",
        "simple_decision",
        "seizure_decision",
        "seizure_list",
        "permit_acceptance",
        "permit_grant",
    } <= codes
    # decisions walked to the end were served: nothing left to void, so void one on a fresh decision
    case = world.case(party=party_with_address(world), facts="演示。")
    for name, who in PATHS["penalty.general"][:6]:
        case = case_services.transition(
            case, name, actor=getattr(world, who), data=inputs_for(world, case, name)
        )
        hooks.run_after(case, name, cast=None)
    hooks.run_finally(cast=None)
    voided = DocumentNumber.objects.get(status="voided")
    assert (
        voided.void_reason
        and Document.objects.filter(case=voided.case, code="penalty_decision", status="issued").exists()
    )
    hooks.run_finally(cast=None)
    assert DocumentNumber.objects.filter(status="voided").count() == 1
