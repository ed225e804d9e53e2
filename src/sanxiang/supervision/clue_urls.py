"""URLs of the clue, follow-up, finding and evaluation pages (included from supervision/urls.py)."""

from django.urls import path

from sanxiang.supervision.views import clues as views

urlpatterns = [
    path("clues/", views.clue_list, name="clues"),
    path("clues/new/", views.clue_new, name="clue_new"),
    path("clues/run-models/", views.run_models, name="run_models"),
    path("clues/<str:pk>/", views.clue_detail, name="clue"),
    path("clues/<str:pk>/assess/", views.clue_assess, name="clue_assess"),
    path("clues/<str:pk>/assign/", views.clue_assign, name="clue_assign"),
    path("clues/<str:pk>/close/", views.clue_close, name="clue_close"),
    path("clues/<str:pk>/reply/", views.clue_reply, name="clue_reply"),
    path("clues/<str:pk>/merge/", views.clue_merge, name="clue_merge"),
    path("clues/<str:pk>/link/", views.clue_link, name="clue_link"),
    path("clues/<str:pk>/finding/", views.clue_finding, name="clue_finding"),
    path("follow-ups/", views.follow_up_list, name="follow_ups"),
    path("follow-ups/<str:pk>/", views.follow_up_detail, name="follow_up"),
    path("follow-ups/<str:pk>/assign/", views.follow_up_assign, name="follow_up_assign"),
    path("follow-ups/<str:pk>/respond/", views.follow_up_respond, name="follow_up_respond"),
    path("follow-ups/<str:pk>/close/", views.follow_up_close, name="follow_up_close"),
    path("findings/", views.finding_list, name="findings"),
    path("findings/<str:pk>/", views.finding_detail, name="finding"),
    path("findings/<str:pk>/amend/", views.finding_amend, name="finding_amend"),
    path("evaluations/", views.evaluation_list, name="evaluations"),
    path("evaluations/run/<str:case_number>/", views.evaluation_run, name="evaluation_run"),
    path("evaluations/<str:pk>/", views.evaluation_detail, name="evaluation"),
    path("evaluations/<str:pk>/score/", views.evaluation_score, name="evaluation_score"),
    path("evaluations/<str:pk>/rectify/", views.evaluation_rectify, name="evaluation_rectify"),
]
