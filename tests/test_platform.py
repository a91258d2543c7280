"""Platform-wide behaviour: health, settings, migrations, demo data, languages."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Organisation, OrgKind, User
from patents.models import Patent

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_redis(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["database"] == "ok"
    assert checks["redis"] == ("ok" if settings.REDIS_URL else "not configured")


def test_healthz_fails_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"].startswith("error")


def test_demo_loader_is_idempotent_and_covers_every_role():
    call_command("load_demo", stdout=io.StringIO())
    counts = (Organisation.objects.count(), User.objects.count(), Patent.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (Organisation.objects.count(), User.objects.count(), Patent.objects.count()) == counts
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds == set(OrgKind)
    provinces = Organisation.objects.filter(kind=OrgKind.UNIVERSITY).values("province").distinct()
    assert provinces.count() >= 3
    assert Patent.objects.count() >= 200
    assert Patent.objects.filter(title__regex=r"[\u4e00-\u9fff]").count() == Patent.objects.count()
    # The demo's exclusive licence settled its patent as a recorded deal would.
    licensed = Patent.objects.get(deals__licence_type="exclusive")
    assert licensed.implementation_status == "licensed"
    assert not (licensed.offers_open_licence or licensed.offers_ordinary_licence)


def test_home_is_in_chinese_by_default_and_english_on_request(client, univ_a_staff):
    client.force_login(univ_a_staff)
    chinese = client.get(reverse("home"), headers={"accept-language": "zh-CN"})
    assert "技术转移工作台" in chinese.content.decode()
    english = client.get(reverse("home"), headers={"accept-language": "en"})
    assert "Tech-transfer workspace" in english.content.decode()


def test_language_switch_sets_the_language(client, univ_a_staff):
    client.force_login(univ_a_staff)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Tech-transfer workspace" in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "技术转移工作台" in client.get("/").content.decode()


def test_openapi_schema_and_docs_are_served_without_cdn(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/organisations/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower()
    assert "/static/drf_spectacular_sidecar/" in docs


def test_password_reset_mail_is_sent(
    client, univ_a_staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": univ_a_staff.email})
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body


def _manage(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            k: v
            for k, v in {**os.environ, **(env or {})}.items()
            if k != "DJANGO_ALLOW_ASYNC_UNSAFE"
        },
        timeout=300,
    )


def test_deploy_check_is_clean_with_production_variables():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DEBUG": "false",
            "SECRET_KEY": "x" * 60 + "production-secret-from-the-environment",
            "ALLOWED_HOSTS": "panhuo.example.cn",
            "DATABASE_URL": "sqlite:////tmp/panhuo-check.db",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", env={"DEBUG": "false", "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_migrations_are_complete():
    result = _manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_string_has_a_chinese_translation_and_the_catalogue_is_compiled():
    import polib

    po_path = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(po_path))
    untranslated = [
        e.msgid for e in catalogue if not e.obsolete and (not e.translated() or e.fuzzy)
    ]
    assert untranslated == []
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(po_path.with_suffix(".mo")))
    }
    stale = [
        e.msgid
        for e in catalogue
        if not e.obsolete and compiled.get((e.msgctxt, e.msgid)) != e.msgstr and not e.msgid_plural
    ]
    assert stale == [], "run: python scripts/i18n.py update"


def test_demo_runs_on_the_embedded_default(tmp_path):
    """`make demo` uses SQLite with tasks in-process: migrate and load the demo there too."""
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "REDIS_URL": "",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    assert _manage("migrate", "--noinput", env=env).returncode == 0
    result = _manage("load_demo", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Demo loaded" in result.stdout
    assert "bureau_zj" in result.stdout
