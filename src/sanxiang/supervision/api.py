"""Staff API of the supervision app; each area registers its own viewsets."""

from sanxiang.supervision.clue_api import register_clue_api


def register_api(router) -> None:
    register_clue_api(router)
