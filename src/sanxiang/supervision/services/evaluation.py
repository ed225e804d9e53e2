"""案卷评查 — run the versioned rule set on a case, keep the automatic findings, let supervisors add
their manual score and comment, and track rectification (整改) to closure as a follow-up item.

The rule set lives in supervision/data/evaluation-rules.yaml (loaded into EvaluationRule rows on
migrate, so admins can switch a rule off or change its points). Scoring follows EVAL-01: a failed
veto rule makes the file unqualified (score 0); other failures deduct their points from 100.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from pathlib import Path

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, InvalidInput
from sanxiang.supervision.choices import EvaluationTrigger, FollowUpKind, Severity
from sanxiang.supervision.models import Evaluation, EvaluationItem, EvaluationRule
from sanxiang.supervision.services.common import record, require_supervisor, supervising_body
from sanxiang.supervision.services.evaluation_rules import CHECKS

log = logging.getLogger(__name__)
RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "evaluation-rules.yaml"
FULL_SCORE = Decimal("100")


def load_rules(path: Path = RULES_FILE) -> int:
    """Seed the rule set from the data file (idempotent; an admin's `active`/points are kept)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    count = 0
    for version, items in data["versions"].items():
        for raw in items:
            if raw["check"] not in CHECKS:
                raise ValueError(f"unknown evaluation check {raw['check']}")
            EvaluationRule.objects.get_or_create(
                code=raw["code"],
                version=str(version),
                defaults={
                    "title": raw["title"],
                    "tier": raw["tier"],
                    "severity": raw["severity"],
                    "points": Decimal(str(raw.get("points", 0))),
                    "checker": raw["check"],
                    "params": raw.get("params") or {},
                    "source": raw["source"],
                    "confidence": raw.get("confidence", ""),
                },
            )
            count += 1
    return count


def current_version() -> str:
    return str(yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))["current"])


def rules_of(version: str | None = None) -> list[EvaluationRule]:
    version = version or current_version()
    rows = list(EvaluationRule.objects.filter(version=version, active=True).order_by("code"))
    if not rows and not EvaluationRule.objects.filter(version=version).exists():
        load_rules()
        rows = list(EvaluationRule.objects.filter(version=version, active=True).order_by("code"))
    return rows


def evaluate(case, rules: list[EvaluationRule]) -> list[dict]:
    """The failed checks of `case` (no writes): one dict per failure."""
    failures = []
    for rule in rules:
        outcome = CHECKS[rule.checker](case, rule.params or {})
        if outcome is None:
            continue
        message, detail = outcome
        failures.append({"rule": rule, "message": message, "detail": detail})
    return failures


def score(failures: list[dict]) -> tuple[Decimal, bool]:
    vetoed = any(f["rule"].tier == "veto" for f in failures)
    if vetoed:
        return Decimal("0"), True
    lost = sum((f["rule"].points for f in failures), Decimal("0"))
    return max(FULL_SCORE - lost, Decimal("0")), False


@transaction.atomic
def run_evaluation(
    case, *, trigger: str = EvaluationTrigger.DEMAND, actor=None, version: str | None = None
) -> Evaluation:
    """Evaluate `case` with the rule set `version` (default: current) and keep the result."""
    if trigger == EvaluationTrigger.DEMAND and actor is not None:
        require_supervisor(actor, case.agency, action="view")
    rules = rules_of(version)
    version = version or current_version()
    failures = evaluate(case, rules)
    auto, vetoed = score(failures)
    case.evaluations.filter(is_current=True).update(is_current=False)
    evaluation = Evaluation.objects.create(
        case=case,
        agency=case.agency,
        ruleset_version=version,
        trigger=trigger,
        run_at=clock.now(),
        auto_score=auto,
        vetoed=vetoed,
        created_by=actor,
        updated_by=actor,
    )
    EvaluationItem.objects.bulk_create(
        [
            EvaluationItem(
                evaluation=evaluation,
                rule_code=f["rule"].code,
                title=f["rule"].title,
                severity=f["rule"].severity,
                points=f["rule"].points,
                message=f["message"][:1000],
                source=f["rule"].source,
                detail=f["detail"],
            )
            for f in failures
        ]
    )
    record(
        f"evaluation:{case.number}",
        "evaluation.run",
        {
            "trigger": trigger,
            "version": version,
            "score": str(auto),
            "vetoed": vetoed,
            "failed": [f["rule"].code for f in failures],
        },
        actor=actor,
        agency=case.agency,
        case=case,
    )
    return evaluation


def run_on_close(case) -> Evaluation | None:
    """Receiver body for a closed case: evaluate it, but never let an evaluation error undo the
    closing (the error is logged; the case can be evaluated on demand later)."""
    try:
        with transaction.atomic():
            return run_evaluation(case, trigger=EvaluationTrigger.CLOSED)
    except Exception:
        log.exception("case-file evaluation failed for %s", case.number)
        return None


@transaction.atomic
def add_manual_score(evaluation: Evaluation, *, actor, score: Decimal | str, comment: str) -> Evaluation:
    """人工评查 — a supervisor's score and comment beside the automatic ones."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    require_supervisor(actor, evaluation.agency, action="view")
    try:
        value = Decimal(str(score))
    except Exception:
        raise InvalidInput(
            "supervision.evaluation.score", _("评分须为0至100之间的数字。"), field="score"
        ) from None
    if not value.is_finite() or value < 0 or value > FULL_SCORE:
        raise InvalidInput("supervision.evaluation.score", _("评分须为0至100之间的数字。"), field="score")
    comment = str(comment or "").strip()
    if not comment:
        raise InvalidInput("supervision.evaluation.comment", _("请填写评查意见。"), field="comment")
    evaluation.manual_score = value.quantize(Decimal("0.1"))
    evaluation.manual_comment = comment
    evaluation.evaluator = actor
    evaluation.updated_by = actor
    evaluation.save(update_fields=["manual_score", "manual_comment", "evaluator", "updated_by", "updated_at"])
    record(
        f"evaluation:{evaluation.case.number}",
        "evaluation.scored",
        {"evaluation": evaluation.pk, "score": str(evaluation.manual_score), "comment": comment},
        actor=actor,
        agency=evaluation.agency,
        case=evaluation.case,
    )
    return evaluation


@transaction.atomic
def require_rectification(evaluation: Evaluation, *, actor, instruction: str, due_on: dt.date | None = None):
    """整改 — ask the agency to rectify the file; tracked as a follow-up item to closure."""
    from sanxiang.supervision.services.clues import open_follow_up

    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    require_supervisor(actor, evaluation.agency, action="view")
    if evaluation.follow_ups.exclude(status="closed").exists():
        raise DomainError("supervision.evaluation.rectifying", _("该评查已有未办结的整改事项。"))
    if not str(instruction or "").strip():
        raise InvalidInput("supervision.evaluation.instruction", _("请填写整改要求。"), field="instruction")
    evaluation.rectification_required = True
    evaluation.save(update_fields=["rectification_required", "updated_at"])
    items = "；".join(f"{i.rule_code} {i.message}" for i in evaluation.items.all())
    return open_follow_up(
        actor=actor,
        agency=actor.agency if actor.agency.is_justice_bureau else supervising_body(evaluation.agency),
        kind=FollowUpKind.RECTIFICATION,
        title=f"案卷整改：{evaluation.case.number}",
        evaluation=evaluation,
        assignee_agency=evaluation.agency,
        due_on=due_on,
        instruction=f"{instruction.strip()}\n{items}".strip(),
    )


def severity_counts(evaluation: Evaluation) -> dict[str, int]:
    counts = {s: 0 for s in Severity.values}
    for item in evaluation.items.all():
        counts[item.severity] += 1
    return counts
