from django.urls import path  # noqa: F401
from rest_framework.routers import SimpleRouter

from patents.api import imports, views

router = SimpleRouter()
router.register("patents", views.PatentViewSet, basename="patent")
router.register("library", views.LibraryViewSet, basename="library")
router.register("spot-checks", views.SpotCheckViewSet, basename="spot-check")
router.register("imports", imports.ImportJobViewSet, basename="import")

urlpatterns: list = [
    # Explicit paths first: the router's `patents/<pk>/` would otherwise swallow `patents/<word>/`.
    *router.urls,
]
