from django.urls import path

from patents import views, views_imports

app_name = "patents"

urlpatterns = [
    # Inventory records and their review
    path("", views.inventory, name="inventory"),
    path("new/", views.patent_new, name="new"),
    path("bulk-review/", views.bulk_review, name="bulk_review"),
    path("<int:pk>/", views.patent_detail, name="detail"),
    path("<int:pk>/edit/", views.patent_edit, name="edit"),
    path("<int:pk>/review/", views.patent_review, name="review"),
    # The convertible patent library
    path("library/", views.library, name="library"),
    path("library/<int:pk>/", views.library_detail, name="library_detail"),
    # Bulk inventory upload
    path("imports/", views_imports.import_list, name="import_list"),
    path("imports/new/", views_imports.import_new, name="import_new"),
    path("imports/template.xlsx", views_imports.import_template, name="import_template"),
    path("imports/<int:pk>/", views_imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", views_imports.import_progress, name="import_progress"),
    path("imports/<int:pk>/report.csv", views_imports.import_report, name="import_report"),
    # Provincial bureaus' spot checks
    path("spot-checks/", views.spotcheck_list, name="spotcheck_list"),
    path("spot-checks/<int:pk>/", views.spotcheck_detail, name="spotcheck_detail"),
    path(
        "spot-checks/<int:pk>/items/<int:item_pk>/",
        views.spotcheck_mark,
        name="spotcheck_mark",
    ),
]
