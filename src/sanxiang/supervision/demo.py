"""The supervision app in the demo: each area adds its own part."""


def register(hooks) -> None:
    from sanxiang.supervision import demo_clues

    demo_clues.register(hooks)
