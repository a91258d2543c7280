from django.urls import path

import dashboards.converters  # noqa: F401  (registers <scope:> and <fmt:>)
from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.index, name="index"),
    path("<scope:scope>/", views.province, name="province"),
    path("<scope:scope>/drill/<slug:metric>/", views.drill, name="drill"),
    path("<scope:scope>/export/<slug:table>.<fmt:fmt>", views.export_table, name="export"),
    path("<scope:scope>/report/<str:month>.xlsx", views.monthly_report, name="monthly_report"),
]
