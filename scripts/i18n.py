#!/usr/bin/env python
"""Keep the Simplified Chinese catalogue current, safely from several shells at once.

  python scripts/i18n.py update             # makemessages + compile
  python scripts/i18n.py set FILE.tsv       # apply "msgid<TAB>msgstr" lines, then compile
                                            # ("context\\x04msgid<TAB>msgstr" for a pgettext one)
  python scripts/i18n.py missing            # list msgids without a translation (exit 1 if any)

Every step holds an exclusive lock on the catalogue, so concurrent edits never clobber each other.
"""

from __future__ import annotations

import fcntl
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
IGNORES = [
    "--ignore=.venv/*",
    "--ignore=node_modules/*",
    "--ignore=benchmarks/*",
    "--ignore=tests/*",
    "--ignore=staticfiles/*",
    "--ignore=scripts/*",
]


@contextmanager
def locked():
    PO.parent.mkdir(parents=True, exist_ok=True)
    with (PO.parent / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def update() -> None:
    with locked():
        _manage("makemessages", "-l", "zh_Hans", "--no-location", "--no-obsolete", *IGNORES)
        _manage("compilemessages", "-l", "zh_Hans", *IGNORES)


#: Between a msgctxt and its msgid in a TSV line, written as the four characters \x04: gettext's
#: own separator in compiled catalogues, and a character no msgid contains.
CONTEXT_SEPARATOR = "\\x04"


def _key(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}{CONTEXT_SEPARATOR}{entry.msgid}" if entry.msgctxt else entry.msgid


def apply(tsv: Path) -> None:
    with locked():
        catalogue = polib.pofile(str(PO))
        # The same msgid may stand in several contexts ("Created": a date, a count).
        by_id = {_key(entry): entry for entry in catalogue}
        unknown = []
        for line in tsv.read_text(encoding="utf-8").splitlines():
            if not line.strip() or "\t" not in line:
                continue
            msgid, msgstr = line.split("\t", 1)
            msgid = msgid.replace("\\n", "\n")
            entry = by_id.get(msgid)
            if entry is None:
                unknown.append(msgid)
                continue
            text = msgstr.replace("\\n", "\n")
            if entry.msgid_plural:  # Chinese has one plural form
                entry.msgstr_plural = {0: text}
            else:
                entry.msgstr = text
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = None
        catalogue.save()
        _manage("compilemessages", "-l", "zh_Hans", *IGNORES)
    for msgid in unknown:
        print(f"not in the catalogue (run update first?): {msgid!r}")


def missing() -> int:
    catalogue = polib.pofile(str(PO))
    todo = [_key(e) for e in catalogue if not e.obsolete and (not e.translated() or e.fuzzy)]
    for msgid in todo:
        print(msgid.replace("\n", "\\n"))
    return 1 if todo else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "update"
    if command == "update":
        update()
    elif command == "set":
        apply(Path(sys.argv[2]))
    elif command == "missing":
        sys.exit(missing())
    else:
        sys.exit(__doc__)
