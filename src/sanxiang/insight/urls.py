from django.urls import path

from sanxiang.insight import views

app_name = "insight"
urlpatterns = [
    path("discretion/<str:number>/", views.assistant, name="assistant"),
    path("outliers/", views.outlier_page, name="outliers"),
    path("analysis/", views.analysis_page, name="analysis"),
]
