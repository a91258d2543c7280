"""The matching tests' shared market: an enterprise with a need, and a small library."""

from __future__ import annotations

import pytest

from matching import services
from matching.models import MatchRun, MatchShard
from patents.models import LegalStatus, ReviewStatus
from tests.enterprises.factories import (
    EnterpriseProfileFactory,
    LibraryPatentFactory,
    TechnologyNeedFactory,
)
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture
def market(zhejiang_university, guangdong_university):
    """A battery-separator enterprise, a library with separator and unrelated patents."""
    enterprise = OrganisationFactory(
        kind="enterprise", name="隔膜科技有限公司", province_id="330000"
    )
    EnterpriseProfileFactory(organisation=enterprise, show_as_likely_taker=True)
    member = UserFactory(username="erin", organisation=enterprise, role="admin")
    TechnologyNeedFactory(
        enterprise=enterprise,
        title="耐高温锂电池隔膜",
        description="寻求耐高温的锂电池隔膜涂层技术",
        keywords=["隔膜", "锂电池"],
        ipc_codes=["H01M"],
    )
    separator = LibraryPatentFactory(
        organisation=zhejiang_university,
        title="一种耐高温锂电池隔膜的制备方法",
        abstract="本发明公开了一种陶瓷涂层锂电池隔膜，耐高温。",
        ipc_main="H01M 50/403",
        ipc_subclass="H01M",
    )
    rice = LibraryPatentFactory(
        organisation=guangdong_university,
        title="一种水稻节水灌溉方法",
        abstract="涉及水稻种植与灌溉。",
        ipc_main="A01G 25/00",
        ipc_subclass="A01G",
    )
    draft = LibraryPatentFactory(
        organisation=zhejiang_university,
        title="一种锂电池隔膜涂布装置",
        ipc_main="H01M 50/403",
        ipc_subclass="H01M",
        review_status=ReviewStatus.DRAFT,
    )
    lapsed = LibraryPatentFactory(
        organisation=zhejiang_university,
        title="一种锂电池隔膜的改性方法",
        ipc_main="H01M 50/403",
        ipc_subclass="H01M",
        legal_status=LegalStatus.LAPSED,
    )
    return {
        "enterprise": enterprise,
        "member": member,
        "separator": separator,
        "rice": rice,
        "draft": draft,
        "lapsed": lapsed,
    }


def run_full() -> MatchRun:
    """A full re-match, its shards run in this process."""
    run = services.start_full_rematch()
    for shard in MatchShard.objects.filter(run=run):
        services.run_shard(shard_id=shard.pk)
    run.refresh_from_db()
    return run
