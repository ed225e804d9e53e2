from django.urls import include, path

app_name = "supervision"
urlpatterns: list = [
    path("", include("sanxiang.supervision.clue_urls")),
    path("", include("sanxiang.supervision.reg_urls")),
    path("", include("sanxiang.supervision.urls_dash")),
]
