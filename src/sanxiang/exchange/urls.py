from django.urls import path

from sanxiang.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("messages/", views.message_list, name="messages"),
    path("messages/<int:pk>/", views.message_detail, name="message"),
    path("dead/", views.dead_letters, name="dead"),
    path("deliveries/<int:pk>/<str:verb>/", views.delivery_action, name="delivery-action"),
    path("endpoints/<int:pk>/replay/", views.replay, name="replay"),
    path("received/", views.received_list, name="received"),
    path("received/<int:pk>/", views.received_detail, name="received-detail"),
    path("imports/", views.import_list, name="imports"),
]
