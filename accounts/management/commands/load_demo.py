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
from dashboards import tasks as dashboard_tasks
from enterprises import demo as enterprise_demo
from evaluation import demo as evaluation_demo
from matching import services as matching_services
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
            evaluation_demo.load_evaluation()
            enterprise_demo.load_enterprises()
        # Derived data: recommendations for every enterprise and the bureaus' statistics. With
        # Redis configured these run on the workers; in the embedded default, right here.
        matching_services.start_full_rematch()
        # The task, not the service: it also takes the refresh the demo's writes asked for.
        dashboard_tasks.refresh_statistics.apply()
        self.stdout.write(
            self.style.SUCCESS(f"Demo loaded: {len(orgs)} organisations, {created} new patents.")
        )
        self.stdout.write(f"Password for every demo login: {account_demo.DEMO_PASSWORD}")
        for username, description in logins:
            self.stdout.write(f"  {username:<14} {description}")
        self.stdout.write(f"Site: {settings.SITE_URL}/")
