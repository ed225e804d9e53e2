from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from sanxiang.exchange import ops
from sanxiang.org import auth_views as org_auth_views
from sanxiang.org import sso as org_sso

urlpatterns = [
    path("login/", org_auth_views.LoginView.as_view(), name="login"),
    path("login/otp/", org_auth_views.otp_verify, name="otp-verify"),
    path("login/otp/enrol/", org_auth_views.otp_enrol, name="otp-enrol"),
    path("login/reauth/", org_auth_views.reauth, name="reauth"),
    path("login/sso/", org_sso.start, name="sso-start"),
    path("login/sso/callback/", org_sso.callback, name="sso-callback"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # its relaxed style-src and worker-src: core.middleware.SecurityHeadersMiddleware
    path("api/docs/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("sanxiang.api_urls")),
    path("portal/documents/", include("sanxiang.documents.public_urls")),
    path("portal/transparency/", include("sanxiang.records.public_urls")),
    path("portal/clues/", include("sanxiang.supervision.public_urls")),
    path("portal/", include("sanxiang.portal.urls")),
    path("cases/", include("sanxiang.cases.urls")),
    path("org/", include("sanxiang.org.urls")),
    path("catalog/", include("sanxiang.catalog.urls")),
    path("records/", include("sanxiang.records.urls")),
    path("documents/", include("sanxiang.documents.urls")),
    path("review/", include("sanxiang.review.urls")),
    path("publicity/", include("sanxiang.publicity.urls")),
    path("supervision/", include("sanxiang.supervision.urls")),
    path("insight/", include("sanxiang.insight.urls")),
    path("exchange/", include("sanxiang.exchange.urls")),
    path("readyz", ops.readyz, name="readyz"),
    path("metrics", ops.metrics_view, name="metrics"),
    path("", include("sanxiang.core.urls")),
]

# a lost database connection answers 503, not 500 (core/unavailable.py)
handler500 = "sanxiang.core.unavailable.server_error"

admin.site.site_header = "三项制度执法平台 · 管理"
admin.site.site_title = "三项制度执法平台"
