"""Benchmark: import a 100,000-row .xlsx end to end, ours versus django-import-export.

    .venv/bin/python benchmarks/inventory_import.py [--rows 100000] [--skip-import-export]
        [--skip-ours]        (PANHUO_BENCH_DB=name to use another scratch database)

Creates (or recreates) the scratch database `panhuo_bench` on the PostgreSQL of DATABASE_URL
(default 127.0.0.1:5432, user postgres), migrates it, generates the file once (reused from
/tmp), then runs the production code path — `start_import` then `run_import`: read, validate,
save, index search_text, record history — and prints seconds and peak memory.

Figures printed: wall seconds; Python CPU seconds of the importing process and its forked reader
(stable when other work shares the machine, unlike wall time); CPU seconds of the PostgreSQL
backend that served the import (read from /proc, so only with the server on this machine);
peak RSS (ru_maxrss) of the importing process and, separately, of the reader process. The two
processes share their inherited pages, so the reader's figure counts those too.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB_NAME = os.environ.get("PANHUO_BENCH_DB", "panhuo_bench")  # a scratch database: dropped!
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"  # measure the import, not the broker
os.environ["DEBUG"] = "false"  # as in production: no query log kept in memory
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
os.environ.pop("REDIS_URL", None)


def _recreate_database() -> None:
    import psycopg2

    connection = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {DB_NAME}")
    connection.close()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child_peak_mb() -> float:
    """Peak RSS of the largest finished child process (the forked inventory reader)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    """CPU time of this process (or of its finished children): unlike wall time, it does not
    grow when other work shares the machine's two cores."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _backend_cpu_seconds(pid: int) -> float | None:
    """CPU time of one PostgreSQL backend process (same machine only): the database's share of
    the import, which the Python figures leave out. None if /proc does not show it."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--file", type=Path, default=None)
    parser.add_argument("--skip-import-export", action="store_true")
    parser.add_argument("--skip-ours", action="store_true", help="django-import-export only")
    args = parser.parse_args()
    path = args.file or Path(f"/tmp/panhuo-inventory-{args.rows}.xlsx")

    _recreate_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from benchmarks.generate_inventory import write_inventory

    if not path.exists():
        started = time.perf_counter()
        write_inventory(args.rows, path)
        print(f"generated {path} in {time.perf_counter() - started:.1f} s")
    print(f"file: {path} ({path.stat().st_size / 1e6:.1f} MB, {args.rows} rows)")

    ours = None if args.skip_ours else _run_ours(path)
    if not args.skip_import_export:
        theirs = _run_import_export(path)
        if ours:
            print(f"ratio: django-import-export took {theirs / ours:.1f}x as long as ours")


def _fixtures() -> tuple[object, object]:
    from accounts.models import Organisation, OrgKind, Role, User

    def owner(name: str) -> Organisation:
        return Organisation.objects.create(name=name, kind=OrgKind.UNIVERSITY, province_id="330000")

    ours = owner("浙江测试大学")
    user = User.objects.create(username="bench", organisation=ours, role=Role.STAFF)
    return ours, user


def _run_ours(path: Path) -> float:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from patents.models import ImportJob, Patent
    from patents.search import _tokenizer
    from patents.services import imports

    organisation, user = _fixtures()
    _tokenizer()  # load jieba's dictionary once, as a warm worker has it
    backend = _backend_pid()  # eager mode: the import runs on this thread's connection
    backend_cpu = _backend_cpu_seconds(backend)
    cpu, reader_cpu = _cpu_seconds(), _cpu_seconds(resource.RUSAGE_CHILDREN)
    started, started_at = time.perf_counter(), time.time()
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    job = imports.start_import(organisation=organisation, file=upload, by=user)  # type: ignore[arg-type]
    job.refresh_from_db()
    if job.status != "done":  # eager mode already ran it on commit
        imports.run_import(job_id=job.pk)
    elapsed = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu
    reader_cpu = _cpu_seconds(resource.RUSAGE_CHILDREN) - reader_cpu
    job.refresh_from_db()
    checked = job.started_at.timestamp() - started_at if job.started_at else float("nan")
    backend_after = _backend_cpu_seconds(backend)
    database = "n/a"
    if backend_cpu is not None and backend_after is not None and _backend_pid() == backend:
        database = f"{backend_after - backend_cpu:.1f} s"
    print(
        f"ours: {elapsed:.1f} s (upload checks {checked:.1f} s; Python CPU "
        f"{cpu + reader_cpu:.1f} s = importer {cpu:.1f} s + reader {reader_cpu:.1f} s; "
        f"PostgreSQL backend CPU {database}), peak RSS {_peak_mb():.0f} MB "
        f"(reader process {_child_peak_mb():.0f} MB); status={job.status} "
        f"created={job.created_count} rejected={job.error_count}; "
        f"patents in db={Patent.objects.count()}"
    )
    assert ImportJob.objects.get(pk=job.pk).status == "done"
    return elapsed


def _run_import_export(path: Path) -> float:
    import tablib
    from import_export import fields, resources, widgets

    from accounts.models import Organisation, OrgKind
    from patents.models import Patent

    other = Organisation.objects.create(
        name="对照大学", kind=OrgKind.UNIVERSITY, province_id="330000"
    )

    class PatentResource(resources.ModelResource):
        application_no = fields.Field("application_no", column_name="申请号")
        title = fields.Field("title", column_name="专利名称")
        abstract = fields.Field("abstract", column_name="摘要")
        ipc_main = fields.Field("ipc_main", column_name="主分类号")
        application_date = fields.Field(
            "application_date", column_name="申请日", widget=widgets.DateWidget()
        )
        grant_date = fields.Field("grant_date", column_name="授权日", widget=widgets.DateWidget())
        maturity = fields.Field(
            "maturity", column_name="技术成熟度", widget=widgets.IntegerWidget()
        )
        application_field = fields.Field("application_field", column_name="应用领域")
        target_products = fields.Field("target_products", column_name="目标产品")
        contact_name = fields.Field("contact_name", column_name="联系人")
        contact_email = fields.Field("contact_email", column_name="联系邮箱")

        class Meta:
            model = Patent
            import_id_fields = ("application_no",)
            fields = (
                "application_no", "title", "abstract", "ipc_main", "application_date",
                "grant_date", "maturity", "application_field", "target_products",
                "contact_name", "contact_email",
            )  # fmt: skip
            use_bulk = True
            batch_size = 2000
            skip_diff = True

        def before_save_instance(self, instance, row, **kwargs):  # type: ignore[no-untyped-def]
            instance.organisation = other
            instance.patent_type = "invention"

        def get_queryset(self):  # type: ignore[no-untyped-def]
            return Patent.objects.filter(organisation=other)

    before = _peak_mb()
    cpu = _cpu_seconds() + _cpu_seconds(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with path.open("rb") as stream:
        dataset = tablib.Dataset().load(stream, format="xlsx")
    result = PatentResource().import_data(dataset, dry_run=False, raise_errors=True)
    elapsed = time.perf_counter() - started
    cpu = _cpu_seconds() + _cpu_seconds(resource.RUSAGE_CHILDREN) - cpu
    # ru_maxrss is a high-water mark for the whole process: it shows django-import-export's peak
    # only if that exceeds ours (run it alone, --skip-ours, for its own figure).
    print(
        f"django-import-export: {elapsed:.1f} s (Python CPU {cpu:.1f} s), peak RSS "
        f"{_peak_mb():.0f} MB (was {before:.0f} MB before it); rows={result.total_rows} "
        f"errors={result.has_errors()}; "
        f"patents in db={Patent.objects.filter(organisation=other).count()}"
    )
    return elapsed


if __name__ == "__main__":
    main()
