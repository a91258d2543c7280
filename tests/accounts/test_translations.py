"""Words that need two translations get two msgids, lists read naturally in Chinese, and what
Django's catalogue misses is ours to translate.

The project's catalogue is updated from this branch's msgids after merging; these tests install
a small catalogue of their own in front of it, so that they check which msgid each page asks for.
"""

from __future__ import annotations

import datetime
import importlib.util
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from accounts.text import join_list
from accounts.translations import PASSWORD_TOO_SHORT
from evaluation.models import TrainingRecord
from patents.importing.files import open_spreadsheet
from patents.models import ImportJob
from tests.evaluation.factories import AppraiserFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def catalogue(settings, tmp_path) -> Callable[[list[polib.POEntry]], None]:
    def install(entries: list[polib.POEntry]) -> None:
        po = polib.POFile()
        po.metadata = {
            "Content-Type": "text/plain; charset=UTF-8",
            "Plural-Forms": "nplurals=1; plural=0;",
        }
        po.extend(entries)
        folder = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES"
        folder.mkdir(parents=True)
        po.save_as_mofile(str(folder / "django.mo"))
        # Changing LOCALE_PATHS empties Django's translation caches (setting_changed).
        settings.LOCALE_PATHS = [tmp_path / "locale", *settings.LOCALE_PATHS]

    return install


def entry(msgid: str, msgstr: str, context: str | None = None) -> polib.POEntry:
    return polib.POEntry(msgctxt=context, msgid=msgid, msgstr=msgstr)


CREATED = [entry("Created", "新建", "number of records"), entry("Created", "创建时间")]


def test_import_pages_call_the_count_of_new_records_by_its_own_msgid(
    client, univ_a_staff, catalogue
):
    catalogue(CREATED)
    job = ImportJob.objects.create(
        organisation=univ_a_staff.organisation,
        uploaded_by=univ_a_staff,
        file=SimpleUploadedFile("清单.xlsx", b"x"),
        original_name="清单.xlsx",
        created_count=10,
    )
    client.force_login(univ_a_staff)
    for url in (reverse("patents:import_list"), reverse("patents:import_detail", args=[job.pk])):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "新建" in html
        assert "创建时间" not in html


def test_top_bar_names_panhuo_once_in_chinese(client, univ_a_staff):
    client.force_login(univ_a_staff)
    chinese = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _brand(chinese) == "盘活"
    assert _brand(english) == "Panhuo 盘活"


def _brand(html: str) -> str:
    start = html.index('class="navbar-brand"')
    inner = html[html.index(">", start) + 1 : html.index("</a>", start)]
    return " ".join(inner.replace('<small class="opacity-75">', "").replace("</small>", "").split())


def test_lists_in_messages_use_the_chinese_enumeration_comma(catalogue):
    catalogue([entry(", ", "、", "list separator")])
    assert join_list(["“甲”", "“乙”"]) == "“甲”, “乙”"  # English, as the tests run
    with translation.override("zh-hans"):
        assert join_list(["“甲”", "“乙”"]) == "“甲”、“乙”"
        upload = SimpleUploadedFile("清单.csv", "法律状态,备注\n有效,x\n".encode())
        with pytest.raises(ValidationError) as refused:
            open_spreadsheet(upload, name=upload.name, size=upload.size, rows_needed=False)
    [message] = refused.value.messages
    assert "”、“" in message
    assert "”, “" not in message


def test_drill_down_breadcrumb_label_is_translated(client, bureau_zj, catalogue):
    catalogue([entry("Breadcrumb", "导航路径")])
    client.force_login(bureau_zj)
    url = reverse("dashboards:drill", args=["330000", "patents_inventoried"])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'aria-label="导航路径"' in html
    assert 'aria-label="breadcrumb"' not in html


def test_training_hours_carry_the_unit_in_the_readers_language(client, catalogue):
    catalogue([entry("%(hours)s h", "%(hours)s 学时")])
    appraiser = AppraiserFactory()
    TrainingRecord.objects.create(
        appraiser=appraiser, completed_on=datetime.date(2025, 11, 20), title="继续教育", hours=16
    )
    member = UserFactory(organisation=appraiser.institution.organisation, role=Role.ADMIN)
    client.force_login(member)
    url = reverse("evaluation:appraiser_detail", args=[appraiser.pk])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<td>16 学时</td>" in html
    assert "16 h" not in html


def test_short_password_message_is_the_one_our_catalogue_translates(catalogue):
    # If Django words the message differently again, this fails: declare the new wording.
    with pytest.raises(ValidationError) as refused:
        MinimumLengthValidator().validate("abc")
    assert refused.value.messages == [str(PASSWORD_TOO_SHORT % 8)]
    plural = polib.POEntry(
        msgid="This password is too short. It must contain at least %d character.",
        msgid_plural="This password is too short. It must contain at least %d characters.",
        msgstr_plural={0: "密码太短，至少要有 %d 个字符。"},
    )
    catalogue([plural])
    with translation.override("zh-hans"), pytest.raises(ValidationError) as chinese:
        MinimumLengthValidator().validate("abc")
    assert chinese.value.messages == ["密码太短，至少要有 8 个字符。"]


def _i18n_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_i18n_set_translates_a_msgid_in_each_of_its_contexts(tmp_path, monkeypatch):
    script = _i18n_script()
    po = polib.POFile()
    po.append(polib.POEntry(msgid="Created", msgstr=""))
    po.append(polib.POEntry(msgctxt="number of records", msgid="Created", msgstr=""))
    po.save(str(tmp_path / "django.po"))
    monkeypatch.setattr(script, "PO", tmp_path / "django.po")
    monkeypatch.setattr(script, "_manage", lambda *args: None)
    tsv = tmp_path / "new.tsv"
    tsv.write_text("Created\t创建时间\nnumber of records\\x04Created\t新建\n", encoding="utf-8")
    script.apply(tsv)
    saved = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(tmp_path / "django.po"))}
    assert saved == {(None, "Created"): "创建时间", ("number of records", "Created"): "新建"}
