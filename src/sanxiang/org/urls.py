from django.urls import path

from sanxiang.org import views

app_name = "org"
urlpatterns = [
    path("agencies/", views.agency_list, name="agencies"),
    path("agencies/<slug:code>/", views.agency_detail, name="agency"),
    path("officers/", views.officer_list, name="officers"),
    path("officers/<str:username>/", views.officer_detail, name="officer"),
]
