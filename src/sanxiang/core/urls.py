from django.urls import path

from sanxiang.core import views

app_name = "core"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("language/", views.set_language, name="language"),
    path("healthz", views.health, name="health"),
]
