"""Supervision models, one module per part (dashboards/scorecard/policy tracker here; case-file
evaluation, clues and the supervision graph in their own modules)."""

from sanxiang.supervision.models.policy import (  # noqa: F401
    AVDevice,
    PolicyTask,
    SupportingRule,
    TaskReport,
)
from sanxiang.supervision.models.scorecard import ScorecardIndicator  # noqa: F401
