from sanxiang.supervision import (
    admin_dash,  # noqa: F401
    clue_admin,  # noqa: F401
    reg_admin,  # noqa: F401
)
