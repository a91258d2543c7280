from django.urls import path

import dashboards.converters  # noqa: F401  (registers <scope:>)
from dashboards.api import views

urlpatterns = [
    path("dashboards/<scope:scope>/", views.DashboardView.as_view(), name="dashboard"),
    path(
        "dashboards/<scope:scope>/drill/<slug:metric>/",
        views.DrillView.as_view(),
        name="dashboard-drill",
    ),
]
