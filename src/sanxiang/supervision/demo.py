"""The supervision app in the demo: each area adds its own part, clues first (the regulation part
escalates the demo's 12345 clue to key supervision)."""

from __future__ import annotations


def register(hooks) -> None:
    from sanxiang.supervision import demo_clues, demo_dash, demo_reg

    demo_clues.register(hooks)
    demo_dash.register(hooks)
    demo_reg.register(hooks)
