from django.urls import path

from evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("institutions/", views.institutions, name="institutions"),
    path("institutions/<int:pk>/", views.institution_detail, name="institution_detail"),
    path("institutions/<int:pk>/documents/", views.upload_document, name="upload_document"),
    path("institutions/<int:pk>/submit/", views.submit_application, name="submit_application"),
    path("institutions/<int:pk>/decide/", views.decide, name="decide"),
    path("institutions/<int:pk>/standing/", views.change_standing, name="change_standing"),
    path("institutions/<int:pk>/inspections/", views.record_inspection, name="record_inspection"),
    path("institutions/<int:pk>/details/", views.edit_details, name="edit_details"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("appraisers/", views.appraisers, name="appraisers"),
    path("appraisers/new/", views.appraiser_new, name="appraiser_new"),
    path("appraisers/<int:pk>/", views.appraiser_detail, name="appraiser_detail"),
    path("filings/", views.filings, name="filings"),
    path("filings/<int:pk>/", views.filing_detail, name="filing_detail"),
    path("filings/<int:pk>/download/", views.filing_download, name="filing_download"),
    path("valuations/", views.valuations, name="valuations"),
    path("valuations/new/", views.valuation_new, name="valuation_new"),
    path("valuations/<int:pk>/", views.valuation_detail, name="valuation_detail"),
    path("valuations/<int:pk>/report/", views.report_download, name="report_download"),
    path("patents/<int:patent_pk>/", views.patent_valuations, name="patent_valuations"),
]
