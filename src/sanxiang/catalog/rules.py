"""Reading legal rule parameters (DESIGN.md I8): every legal number comes from here, with its source.

    >>> rules.param("PEN-19.deadline").value          # 90
    >>> rules.param("PEN-19.deadline").unit           # "calendar_days"
    >>> rules.param("PEN-19.deadline").citation       # "行政处罚法 Art. 60（PEN-19）"

A value can be overridden for one agency or from a later date; `param(code, on=, agency=)` picks
the agency's own value before the general one, and the latest version in force on the date.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError

_CACHE_SECONDS = 30.0


@dataclass(frozen=True)
class RuleValue:
    code: str
    rule_id: str
    value: Any
    unit: str
    source: str
    confidence: str
    scope: str
    effective_from: dt.date | None
    agency_id: int | None
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def citation(self) -> str:
        return f"{self.source}（{self.rule_id}）"

    @property
    def provisional(self) -> bool:
        """S and U values are defaults to be checked (rules.md §0); the UI marks them."""
        return self.confidence != "P"

    @property
    def amount(self) -> Decimal:
        return Decimal(str(self.value))

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "value": self.value,
            "unit": self.unit,
            "source": self.source,
            "confidence": self.confidence,
            "effective_from": self.effective_from.isoformat() if self.effective_from else None,
        }


class _Cache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded_at = 0.0
        self._by_code: dict[str, list[RuleValue]] = {}

    def invalidate(self) -> None:
        self._loaded_at = 0.0

    def rows(self, code: str) -> list[RuleValue]:
        with self._lock:
            if time.monotonic() - self._loaded_at > _CACHE_SECONDS:
                self._load()
        return self._by_code.get(code, [])

    def _load(self) -> None:
        from sanxiang.catalog.models import RuleParameter

        by_code: dict[str, list[RuleValue]] = {}
        for row in RuleParameter.objects.all().order_by("effective_from"):
            value, extra = row.value, {}
            if isinstance(value, dict) and "value" in value:
                extra = {k: v for k, v in value.items() if k != "value"}
                value = value["value"]
            by_code.setdefault(row.code, []).append(
                RuleValue(
                    code=row.code,
                    rule_id=row.rule_id,
                    value=value,
                    unit=row.unit,
                    source=row.source,
                    confidence=row.confidence,
                    scope=row.scope,
                    effective_from=row.effective_from,
                    agency_id=row.agency_id,
                    description=row.description,
                    extra=extra,
                )
            )
        self._by_code = by_code
        self._loaded_at = time.monotonic()


cache = _Cache()


def param(code: str, *, on: dt.date | None = None, agency: Any = None) -> RuleValue:
    """The value of `code` in force on `on` (default today), the agency's own value first."""
    on = on or clock.today()
    agency_id = getattr(agency, "pk", agency)
    in_force = [r for r in cache.rows(code) if r.effective_from is None or r.effective_from <= on]
    for candidates in ([r for r in in_force if r.agency_id == agency_id and agency_id], in_force):
        general = [r for r in candidates if r.agency_id in (None, agency_id)]
        if general:
            return max(general, key=lambda r: (r.agency_id is not None, r.effective_from or dt.date.min))
    raise DomainError(
        "rules.missing", _("缺少法定参数“%(code)s”，请管理员在法定参数中补充。") % {"code": code}, rule=code
    )


def amount(code: str, **kw: Any) -> Decimal:
    return param(code, **kw).amount
