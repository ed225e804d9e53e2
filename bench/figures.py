"""A benchmark result line: `<name> <value> <unit> ratio=<r> vs <baseline>`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    baseline_name: str = ""
    baseline_value: float | None = None

    def line(self) -> str:
        text = f"{self.name} {self.value:.4g} {self.unit}"
        if self.baseline_value:
            text += f" ratio={self.value / self.baseline_value:.3f} vs {self.baseline_name}"
        return text
