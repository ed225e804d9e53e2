from sanxiang.supervision import clue_admin  # noqa: F401
