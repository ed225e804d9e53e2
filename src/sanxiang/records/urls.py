from django.urls import path

from sanxiang.records import views

app_name = "records"
urlpatterns = [
    path("cases/<str:number>/evidence/new/", views.evidence_upload, name="evidence_upload"),
    path("cases/<str:number>/dossier.zip", views.dossier_download, name="dossier"),
    path("cases/<str:number>/access-request/", views.access_request_create, name="access_request"),
    path("cases/<str:number>/access/", views.case_access_log, name="case_access_log"),
    path("cases/<str:number>/notes/", views.note_create, name="note"),
    path("evidence/<int:pk>/", views.evidence_detail, name="evidence"),
    path("evidence/<int:pk>/download/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/stream/", views.evidence_stream, name="evidence_stream"),
    path("evidence/<int:pk>/thumb.jpg", views.evidence_thumbnail, name="evidence_thumbnail"),
    path("evidence/<int:pk>/supersede/", views.evidence_supersede, name="evidence_supersede"),
    path("access/", views.access_log_view, name="access_log"),
    path("access/requests/", views.access_requests, name="access_requests"),
    path("access/requests/<int:pk>/decide/", views.access_request_decide, name="access_request_decide"),
]
