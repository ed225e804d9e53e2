"""Supervision models. Each helper's module is imported here (one line each)."""

from sanxiang.supervision.models.alerts import SupervisionAlert  # noqa: F401
from sanxiang.supervision.models.clues import Clue, FollowUp  # noqa: F401
from sanxiang.supervision.models.evaluation import (  # noqa: F401
    Evaluation,
    EvaluationItem,
    EvaluationRule,
)
from sanxiang.supervision.models.findings import Finding, FindingAmendment, InspectionVisit  # noqa: F401
from sanxiang.supervision.models.instruments import (  # noqa: F401
    Instrument,
    InstrumentEvent,
    RectificationEvidence,
    RectificationReport,
)
from sanxiang.supervision.models.policy import (  # noqa: F401
    AVDevice,
    PolicyTask,
    SupportingRule,
    TaskReport,
)
from sanxiang.supervision.models.scorecard import ScorecardIndicator  # noqa: F401
from sanxiang.supervision.models.summary import DailyCaseCount  # noqa: F401
from sanxiang.supervision.models.tasks import SupervisionTask, TaskMember, TaskTemplate  # noqa: F401
