from sanxiang.supervision import (
    clue_admin,  # noqa: F401
    reg_admin,  # noqa: F401
)
