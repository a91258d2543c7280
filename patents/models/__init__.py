from patents.models.history import ChangeSource, PatentChange
from patents.models.imports import ImportJob, ImportRowError, ImportStatus
from patents.models.lookups import HasItem
from patents.models.patent import (
    DEAL_FORM_FIELDS,
    IN_LIBRARY,
    LIBRARY_LEGAL_STATUS,
    DealForm,
    ImplementationStatus,
    InventoryCategory,
    LegalStatus,
    OpenLicenceFeeBasis,
    Patent,
    PatentType,
    ReviewStatus,
    ValueGrade,
    in_industry,
    in_library,
)
from patents.models.spotcheck import SpotCheck, SpotCheckItem, SpotCheckResult

__all__ = [
    "DEAL_FORM_FIELDS",
    "IN_LIBRARY",
    "LIBRARY_LEGAL_STATUS",
    "ChangeSource",
    "DealForm",
    "HasItem",
    "ImplementationStatus",
    "ImportJob",
    "ImportRowError",
    "ImportStatus",
    "InventoryCategory",
    "LegalStatus",
    "OpenLicenceFeeBasis",
    "Patent",
    "PatentChange",
    "PatentType",
    "ReviewStatus",
    "SpotCheck",
    "SpotCheckItem",
    "SpotCheckResult",
    "ValueGrade",
    "in_industry",
    "in_library",
]
