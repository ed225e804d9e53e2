from django.urls import path

from sanxiang.documents import views

app_name = "documents"
urlpatterns = [
    path("on-site/", views.on_site, name="on_site"),
    path("on-site/<int:pk>/", views.on_site_done, name="on_site_done"),
    path("case/<str:number>/consent/", views.consent, name="consent"),
    path("case/<str:number>/<slug:code>/", views.preview, name="preview"),
    path("case/<str:number>/<slug:code>/draft.<str:fmt>", views.draft_file, name="draft_file"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/file.<str:fmt>", views.issued_file, name="file"),
    path("<int:pk>/correct/", views.correct, name="correct"),
    path("<int:pk>/void/", views.void, name="void"),
    path("<int:pk>/serve/", views.serve, name="serve"),
]
