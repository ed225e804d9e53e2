from django.urls import path

from sanxiang.catalog import views

app_name = "catalog"
urlpatterns = [
    path("items/", views.item_list, name="items"),
    path("items/<str:code>/", views.item_detail, name="item"),
    path("laws/", views.law_list, name="laws"),
    path("laws/<str:code>/", views.law_detail, name="law"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("rules/", views.rule_list, name="rules"),
]
