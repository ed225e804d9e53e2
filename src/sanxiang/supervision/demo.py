"""Supervision in the demo: each part registers its own hooks (demo_dash, …)."""


def register(hooks) -> None:
    from sanxiang.supervision import demo_dash

    demo_dash.register(hooks)
