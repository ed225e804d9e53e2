from django.urls import path

from sanxiang.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_open, name="open"),
    path("<str:number>/", views.case_detail, name="detail"),
    path("<str:number>/do/<str:name>/", views.case_transition, name="transition"),
]
