from sanxiang.supervision import admin_dash  # noqa: F401
