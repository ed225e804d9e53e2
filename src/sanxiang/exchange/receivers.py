"""Every source of the outbox, wired by signals so that no sender imports exchange: decisions and
remedies (cases), certificate changes (org), publications (publicity) and signed checkpoints
(records) each enqueue an outbox message inside the transaction that made the change."""

from __future__ import annotations

from django.dispatch import receiver

from sanxiang.cases.signals import case_transitioned
from sanxiang.exchange import outbox
from sanxiang.org.signals import certificate_changed
from sanxiang.publicity.signals import publication_changed
from sanxiang.records.signals import checkpoint_signed
from sanxiang.supervision.signals import supervision_changed

# transition name -> topic. The decision acts of every procedure, and remedies (复议/诉讼结果)
# that change or revoke a decision.
DECISION_TOPICS = {
    "decide": "case.decided",
    "decide_on_site": "case.decided",
    "record_remedy": "case.remedied",
}


@receiver(case_transitioned, dispatch_uid="exchange.decisions")
def _decision(sender, case, actor, event, **_):
    topic = DECISION_TOPICS.get(event.transition)
    if topic is not None:
        outbox.enqueue(topic, outbox.case_key(case), outbox.decision_payload(case, event), agency=case.agency)


@receiver(certificate_changed, dispatch_uid="exchange.certificates")
def _certificate(sender, certificate, actor, change, **_):
    outbox.enqueue(
        "certificate.changed",
        f"certificate:{certificate.number}",
        outbox.certificate_payload(certificate, change),
        agency=certificate.holder.agency,
    )


@receiver(publication_changed, dispatch_uid="exchange.publications")
def _publication(sender, publication, change, snapshot, note="", **_):
    outbox.enqueue(
        f"publication.{change}",
        outbox.publication_key(publication),
        outbox.publication_payload(snapshot, change, note),
        agency=publication.agency,
    )


@receiver(checkpoint_signed, dispatch_uid="exchange.checkpoints")
def _checkpoint(sender, checkpoint, **_):
    outbox.enqueue("record.checkpoint", "record:checkpoint", outbox.checkpoint_payload(checkpoint))


@receiver(supervision_changed, dispatch_uid="exchange.supervision")
def _supervision(sender, topic, key, payload, agency, **_):
    """Tasks, instruments, rectification status, findings and registers (《行政执法监督条例》 Art. 37)."""
    outbox.enqueue(topic, key, payload, agency=agency)
