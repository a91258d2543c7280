"""Run the platform's matching engine on JSONL files, with no server (shared/bench format)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from matching.engine.files import match_files
from refdata.loaders import DATA_DIR


class Command(BaseCommand):
    help = "Rank patents for enterprises and enterprises for patents from JSONL files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--patents", required=True, type=Path)
        parser.add_argument("--enterprises", required=True, type=Path)
        parser.add_argument("--top", type=int, default=100)
        parser.add_argument("--out", required=True, type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        stats = match_files(
            options["patents"],
            options["enterprises"],
            options["top"],
            options["out"],
            ipc_titles_path=DATA_DIR / "ipc_subclasses.csv",
        )
        summary = ", ".join(f"{k}={v}" for k, v in stats.items())
        self.stdout.write(
            f"Wrote {options['out']}/enterprise_to_patents.jsonl and "
            f"patent_to_enterprises.jsonl ({summary})"
        )
