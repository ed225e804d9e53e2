from django.urls import path

from sanxiang.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/feed.atom", views.decision_feed, name="feed"),
    path("decisions/<str:pk>/", views.decision_detail, name="decision"),
    path("agencies/", views.agencies, name="agencies"),
    path("agencies/<str:code>/", views.agency_detail, name="agency"),
    path("agencies/<str:code>/items/<str:item>/", views.item_detail, name="item"),
    path("agencies/<str:code>/windows/<str:pk>/board/", views.board, name="board"),
    path("procedures/", views.procedures, name="procedures"),
    path("procedures/<str:code>/", views.procedure_detail, name="procedure"),
    path("officers/verify/", views.verify, name="verify_form"),
    path("officers/verify/<str:number>/", views.verify, name="verify"),
    path("officers/verify/<str:number>/qr.svg", views.qr, name="qr"),
    path("officers/verify/<str:number>/card/", views.card, name="card"),
    path("officers/verify/<str:number>/photo", views.photo, name="photo"),
    path("reports/", views.reports, name="reports"),
    path("reports/<str:year>/<str:scope>/", views.report_detail, name="report"),
    path("open-data/", views.open_data, name="open_data"),
]
