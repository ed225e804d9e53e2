"""Staff API of the supervision app; each area registers its own viewsets."""

from sanxiang.supervision.clue_api import register_clue_api
from sanxiang.supervision.reg_api import _extra as reg_extra_urls
from sanxiang.supervision.reg_api import register_reg_api


def register_api(router) -> None:
    register_clue_api(router)
    register_reg_api(router)


extra_urls = [*reg_extra_urls()]
