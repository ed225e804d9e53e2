"""Supervision in the demo. Each helper's part registers its own hooks (one line each)."""

from __future__ import annotations


def register(hooks) -> None:
    from sanxiang.supervision import demo_reg

    demo_reg.register(hooks)
