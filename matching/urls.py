from django.urls import path

from matching import views

app_name = "matching"

urlpatterns = [
    path("recommended/", views.recommended, name="recommended"),
    path("recommended/<int:pk>/dismiss/", views.dismiss, name="dismiss"),
    path("patents/<int:patent_pk>/takers/", views.likely_takers, name="likely_takers"),
]
