from django.urls import path

import dashboards.converters  # noqa: F401  (registers <scope:> and <fmt:>)
from dashboards import case_views, views

app_name = "dashboards"

urlpatterns = [
    path("", views.index, name="index"),
    path("cases/", case_views.case_list, name="cases"),
    path("cases/propose/<int:deal>/", case_views.propose, name="case_propose"),
    path("cases/<int:pk>/agree/", case_views.agree, name="case_agree"),
    path("cases/<int:pk>/publish/", case_views.publish, name="case_publish"),
    path("cases/public/", case_views.public_list, name="public_cases"),
    path("cases/public/<int:pk>/", case_views.public_detail, name="public_case"),
    path("<scope:scope>/", views.province, name="province"),
    path("<scope:scope>/drill/<slug:metric>/", views.drill, name="drill"),
    path("<scope:scope>/export/<slug:table>.<fmt:fmt>", views.export_table, name="export"),
    path("<scope:scope>/report/<str:month>.xlsx", views.monthly_report, name="monthly_report"),
]
