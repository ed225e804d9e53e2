from django.urls import path

from sanxiang.supervision import public_views

app_name = "clues_public"
urlpatterns = [
    path("", public_views.report, name="report"),
    path("status/", public_views.lookup, name="lookup"),
]
