"""The supervision app in the demo: each area adds its own part (one line each)."""


def register(hooks) -> None:
    from sanxiang.supervision import demo_clues, demo_reg

    demo_clues.register(hooks)
    demo_reg.register(hooks)
