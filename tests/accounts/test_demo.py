from __future__ import annotations

import pytest

from accounts import demo as account_demo
from accounts.models import User
from patents import demo as patent_demo
from patents.models import Patent
from patents.selectors import patents_for
from patents.services import records

pytestmark = pytest.mark.django_db


def test_demo_inventor_sees_the_demo_patents_naming_him():
    orgs = account_demo.load_organisations()
    account_demo.load_users(orgs)
    patent_demo.load_patents([orgs["浙江大学"]])  # the first owner, as load_demo orders them
    inventor = User.objects.get(username="zju_inventor")
    visible = list(patents_for(inventor))
    assert len(visible) == 3
    assert all("黄明" in patent.inventors for patent in visible)


def test_an_unnamed_demo_inventor_from_an_earlier_load_gets_the_name():
    orgs = account_demo.load_organisations()
    account_demo.load_users(orgs)
    User.objects.filter(username="zju_inventor").update(first_name="", last_name="")
    account_demo.load_users(orgs)
    inventor = User.objects.get(username="zju_inventor")
    assert (inventor.last_name, inventor.first_name) == ("黄", "明")


def test_every_demo_patent_keeps_the_record_rules():
    """A demo patent must be one its university could save: expired utility models marked
    expired, open licences only on patents in force for the licence's whole period."""
    orgs = account_demo.load_organisations()
    patent_demo.load_patents([orgs["浙江大学"]])
    broken = {}
    for patent in Patent.objects.all():
        errors: dict[str, list[str]] = {}
        records.check_record(patent, errors)
        if errors:
            broken[patent.application_no] = errors
    assert broken == {}
    statuses = set(Patent.objects.values_list("legal_status", flat=True))
    assert {"valid", "pending", "expired"} <= statuses
    assert Patent.objects.filter(offers_open_licence=True).exists()
