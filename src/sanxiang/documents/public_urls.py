"""Public verification of issued documents (mounted at /portal/documents/)."""

from django.urls import path

from sanxiang.documents import public_views

app_name = "documents_public"
urlpatterns = [
    path("", public_views.lookup, name="lookup"),
    path("<str:public_id>/", public_views.verify, name="verify"),
]
