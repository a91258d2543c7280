from rest_framework.routers import SimpleRouter

from enterprises.api import views

router = SimpleRouter()
router.register("enterprises", views.EnterpriseViewSet, basename="enterprise")
router.register("needs", views.NeedViewSet, basename="need")
router.register("subscriptions", views.TopicSubscriptionViewSet, basename="subscription")
router.register("intents", views.IntentViewSet, basename="intent")
router.register("ratings", views.RatingViewSet, basename="rating")
router.register("deals", views.DealViewSet, basename="deal")

urlpatterns = [*router.urls]
