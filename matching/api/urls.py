from django.urls import path
from rest_framework.routers import DefaultRouter

from matching.api import views

router = DefaultRouter()
router.register("recommendations", views.RecommendationViewSet, basename="recommendation")

urlpatterns = [
    path("likely-takers/<int:patent_pk>/", views.LikelyTakersView.as_view(), name="likely-takers"),
    *router.urls,
]
