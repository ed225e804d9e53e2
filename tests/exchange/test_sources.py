"""Publications and signed checkpoints reach the outbox through signals, in the transaction of the
change, with nothing but the public (masked) snapshot; and neither sender imports exchange."""

import ast
from pathlib import Path

import pytest

from sanxiang.exchange.models import OutboxMessage
from sanxiang.publicity import services as publicity
from sanxiang.records.checkpoints import make_checkpoint
from tests.exchange.helpers import endpoint
from tests.publicity.helpers import decided_case, editor, publish_case

pytestmark = pytest.mark.django_db
SRC = Path(__file__).resolve().parents[2] / "src" / "sanxiang"


@pytest.fixture(autouse=True)
def _private_keys(settings, tmp_path_factory):
    settings.SANXIANG_KEY_DIR = tmp_path_factory.getbasetemp() / "keys"


def test_publish_update_and_withdraw_enqueue_the_masked_snapshot(world):
    endpoint()
    case = decided_case(world, facts="当事人王建国（身份证号见卷）在建设路18号销售过期食品。")
    pub = publish_case(world, case)
    message = OutboxMessage.objects.get(topic="publication.published")
    assert message.key == f"case:{case.number}" and message.agency == world.agency
    assert message.deliveries.count() == 1
    body = message.payload["publication"]
    assert body["party"]["name"] == "王某某" and "王建国" not in str(message.payload)
    assert case.party.id_number not in str(message.payload) and "13912345678" not in str(message.payload)
    assert body["version"] == 1 and body["entry_hash"]

    pub = publicity.revise(pub, actor=editor(world), reason="更正文号")
    pub = publicity.check(pub, actor=editor(world), confidentiality_reviewed=True)
    publicity.publish(pub, actor=editor(world), note="更正决定书文号")
    updated = OutboxMessage.objects.get(topic="publication.updated")
    assert updated.payload["publication"]["version"] == 2 and updated.payload["note"] == "更正决定书文号"

    publicity.withdraw(pub, actor=editor(world), reason="复议撤销原决定")
    withdrawn = OutboxMessage.objects.get(topic="publication.withdrawn")
    assert withdrawn.payload["publication"]["status"] == "withdrawn"
    keyed = OutboxMessage.objects.filter(key=f"case:{case.number}").order_by("key_seq")
    assert [m.topic for m in keyed] == [
        "case.decided",
        "publication.published",
        "publication.updated",
        "publication.withdrawn",
    ]


def test_a_signed_checkpoint_enqueues_once(world):
    decided_case(world)
    point = make_checkpoint()
    message = OutboxMessage.objects.get(topic="record.checkpoint")
    assert message.key == "record:checkpoint"
    assert message.payload["tree_size"] == point.size and message.payload["root_hash"] == point.root
    make_checkpoint()  # the log has not grown: no new checkpoint, no new message
    assert OutboxMessage.objects.filter(topic="record.checkpoint").count() == 1


@pytest.mark.parametrize("app", ["publicity", "records", "portal", "cases", "org"])
def test_senders_never_import_exchange(app):
    for path in (SRC / app).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not any(n.startswith("sanxiang.exchange") for n in names), path


def test_the_penalty_feed_exports_the_masked_public_snapshot(world, tmp_path):
    import json

    from sanxiang.exchange import exporters
    from tests.exchange.helpers import admin

    case = decided_case(world)
    pub = publish_case(world, case)
    result = exporters.export("publications-penalty", "json", tmp_path / "p.json", actor=admin(world))
    assert result["rows"] == 1
    row = json.loads((tmp_path / "p.json").read_text())["rows"][0]
    assert row["CF_XDR_MC"] == "王某某" and "王建国" not in json.dumps(row, ensure_ascii=False)
    assert row["CF_XDR_ZJHM"] == ""  # no ID number leaves
    # only the agency's credit code is missing (the factory agency has none) — reported, not hidden
    assert set(result["missing_required"]) == (
        {"CF_CFJGDM", "CF_SJLYDM"} if not world.agency.credit_code else set()
    )
    assert row["CF_NR_FK"] == f"{case.fine_amount / 10000:.6f}"  # in 10,000 CNY
    assert row["CF_CFJG"] == world.agency.name
    publicity.withdraw(pub, actor=editor(world), reason="复议撤销原决定")
    assert (
        exporters.export("publications-penalty", "csv", tmp_path / "p.csv", actor=admin(world))["rows"] == 0
    )
