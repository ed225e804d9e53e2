"""URLs of the dashboards, the scorecard and the policy task tracker (included from urls.py)."""

from django.urls import path

from sanxiang.supervision.views import dash, policy, scorecard

urlpatterns = [
    path("dashboard/", dash.home, name="dashboard"),
    path("dashboard/cases/", dash.cases, name="dash_cases"),
    path("dashboard/data/<str:chart>.<str:fmt>", dash.download, name="dash_download"),
    path("scorecard/", scorecard.ranking, name="scorecard"),
    path("scorecard/settings/", scorecard.settings_view, name="scorecard_settings"),
    path("policy/", policy.overview, name="policy"),
    path("policy/<slug:code>/", policy.agency_page, name="policy_agency"),
    path("policy/<slug:code>/tasks/<int:number>/", policy.task_page, name="policy_task"),
]
