"""URLs of the supervision graph, tasks, instruments, oversight board and report (issue 11)."""

from django.urls import path

from sanxiang.supervision.views import reg as views

urlpatterns = [
    path("graph/", views.graph_view, name="graph"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/from-clue/<int:clue_pk>/", views.task_from_clue, name="task_from_clue"),
    path("tasks/templates/import/", views.template_import, name="template_import"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/ack/", views.task_ack, name="task_ack"),
    path("tasks/<int:pk>/<slug:act>/", views.task_act, name="task_act"),
    path("instruments/", views.instrument_list, name="instruments"),
    path("instruments/new/", views.instrument_new, name="instrument_new"),
    path("instruments/<int:pk>/", views.instrument_detail, name="instrument"),
    path("instruments/<int:pk>/<slug:act>/", views.instrument_act, name="instrument_act"),
    path("oversight/", views.oversight, name="oversight"),
    path("report/", views.report_view, name="report"),
]
