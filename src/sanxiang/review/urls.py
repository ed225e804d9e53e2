from django.urls import path

from sanxiang.review import views

app_name = "review"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("head/", views.head_page, name="head"),
    path("overview/", views.overview, name="overview"),
    path("<int:pk>/", views.review_detail, name="detail"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/refuse/", views.refuse, name="refuse"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/checklist/", views.checklist, name="checklist"),
    path("<int:pk>/extend/", views.extend, name="extend"),
    path("<int:pk>/contest/", views.contest, name="contest"),
    path("<int:pk>/opinion/", views.opinion, name="opinion"),
    path("contests/<int:pk>/", views.contest_decision, name="contest_decision"),
    path("cases/<str:number>/submit/", views.submit, name="submit"),
    path("cases/<str:number>/flag/", views.add_flag, name="flag"),
    path("cases/<str:number>/discussion/", views.discussion, name="discussion"),
    path("bodies/", views.bodies, name="bodies"),
    path("bodies/<slug:code>/", views.body_detail, name="body"),
    path("bodies/<slug:code>/edit/", views.body_edit, name="body_edit"),
    path("bodies/<slug:code>/appoint/", views.appoint, name="appoint"),
    path("catalogs/", views.catalogs, name="catalogs"),
    path("catalogs/<slug:code>/", views.catalog_history, name="catalog_history"),
    path("catalogs/<slug:code>/new/", views.catalog_edit, name="catalog_edit"),
]
