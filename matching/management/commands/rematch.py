"""Start a full re-match (recorded in the database; shards run on the workers)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from matching import services


class Command(BaseCommand):
    help = "Record a full re-match of every enterprise and enqueue its shards."

    def handle(self, *args: Any, **options: Any) -> None:
        run = services.start_full_rematch()
        self.stdout.write(f"Match run #{run.pk}: {run.shards.count()} shards enqueued.")
