"""Load the demo: organisations in several provinces, one login per role, patents and more.

Idempotent: running it twice creates nothing new.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo as account_demo
from accounts.models import OrgKind
from patents import demo as patent_demo


class Command(BaseCommand):
    help = "Load realistic demo data and print one login per role."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            orgs = account_demo.load_organisations()
            logins = account_demo.load_users(orgs)
            owners = [
                o
                for o in orgs.values()
                if o.kind in (OrgKind.UNIVERSITY, OrgKind.RESEARCH_INSTITUTE)
            ]
            created = patent_demo.load_patents(owners)
            from evaluation import demo as evaluation_demo  # appraisal records (issue 6)

            evaluation_demo.load_evaluation()
            from enterprises import demo as enterprise_demo  # profiles, needs, intents (issue 4)

            enterprise_demo.load_enterprises()
        self.stdout.write(
            self.style.SUCCESS(f"Demo loaded: {len(orgs)} organisations, {created} new patents.")
        )
        self.stdout.write(f"Password for every demo login: {account_demo.DEMO_PASSWORD}")
        for username, description in logins:
            self.stdout.write(f"  {username:<14} {description}")
        self.stdout.write(f"Site: {settings.SITE_URL}/")
