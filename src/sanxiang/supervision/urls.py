from django.urls import include, path

from sanxiang.supervision.views import privacy

app_name = "supervision"
urlpatterns: list = [
    path("", include("sanxiang.supervision.clue_urls")),
    path("", include("sanxiang.supervision.reg_urls")),
    path("", include("sanxiang.supervision.urls_dash")),
    path("privacy/export/", privacy.export, name="privacy_export"),
]
