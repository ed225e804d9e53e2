"""Supervision models, one module per concern; every model is re-exported here so Django finds it."""

from sanxiang.supervision.models.instruments import (  # noqa: F401
    Instrument,
    InstrumentEvent,
    RectificationEvidence,
    RectificationReport,
)
from sanxiang.supervision.models.tasks import (  # noqa: F401
    SupervisionTask,
    TaskMember,
    TaskTemplate,
)
