"""One router for the staff API; each app contributes its viewsets in `register_api(router)`."""

from importlib import import_module

from django.urls import include, path
from rest_framework.routers import DefaultRouter

router = DefaultRouter()
router.include_format_suffixes = False
extra_urls = []
for app in (
    "org",
    "catalog",
    "cases",
    "records",
    "documents",
    "review",
    "publicity",
    "portal",
    "supervision",
    "insight",
    "exchange",
):
    try:
        module = import_module(f"sanxiang.{app}.api")
    except ModuleNotFoundError as missing:
        if missing.name != f"sanxiang.{app}.api":
            raise
        continue
    module.register_api(router)
    extra_urls += getattr(module, "extra_urls", [])

urlpatterns = [*extra_urls, path("", include(router.urls))]
