from django.urls import path

from sanxiang.publicity import views

app_name = "publicity"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("item-list/", views.draft_item_list, name="draft_item_list"),
    path("windows/", views.windows, name="windows"),
    path("windows/new/", views.window_form, name="window_new"),
    path("windows/<int:pk>/", views.window_form, name="window_edit"),
    path("annual/", views.annual_report, name="annual"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/check/", views.check, name="check"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/withhold/", views.withhold, name="withhold"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/revise/", views.revise, name="revise"),
]
