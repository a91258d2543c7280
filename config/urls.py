from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts import views as account_views
from accounts.forms_auth import QueuedPasswordResetForm
from config.health import healthz

api_patterns: list[URLPattern | URLResolver] = [
    path("", include("accounts.api.urls")),
    path("", include("patents.api.urls")),
    path("", include("enterprises.api.urls")),
    path("", include("matching.api.urls")),
    path("", include("evaluation.api.urls")),
    path("", include("dashboards.api.urls")),
    path("", include("notifications.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/", include("accounts.urls")),
    path("patents/", include("patents.urls")),
    path("enterprises/", include("enterprises.urls")),
    path("matching/", include("matching.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("inbox/", include("notifications.urls")),
    path("api/", include((api_patterns, "api"))),
    path("admin/", admin.site.urls),
]
