from rest_framework.routers import SimpleRouter

from evaluation.api import views

router = SimpleRouter()
router.register(
    "appraisal-institutions", views.InstitutionViewSet, basename="appraisal-institution"
)
router.register("appraisers", views.AppraiserViewSet, basename="appraiser")
router.register("appraisal-filings", views.FilingViewSet, basename="appraisal-filing")
router.register("valuations", views.ValuationViewSet, basename="valuation")

urlpatterns = router.urls
