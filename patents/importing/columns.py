"""The inventory upload's columns: one key per Patent field, a Chinese and an English header.

Headers are matched after normalisation (NFKC folds full-width letters and punctuation, spaces and
a trailing required-mark are dropped, case is ignored), so `申请号`, ` 申请号 *`, `申请号（必填）`
and `Application number` all name the same column, in any order.

Required columns: application number and title. Every other column is optional; a column that is
absent leaves that field of existing records untouched, a column that is present is the truth
(an empty cell clears the field).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    example: str = ""


COLUMNS: tuple[Column, ...] = (
    Column(
        "application_no",
        "申请号",
        "Application number",
        True,
        ("专利申请号", "专利号"),
        "202110123456.7",
    ),
    Column(
        "title", "专利名称", "Title", True, ("名称", "发明名称"), "一种锂离子电池隔膜的制备方法"
    ),
    Column("abstract", "摘要", "Abstract", aliases=("专利摘要",)),
    Column(
        "ipc_main", "主分类号", "Main IPC", aliases=("IPC主分类号", "IPC"), example="H01M 50/403"
    ),
    Column("ipc_other", "其他分类号", "Other IPC codes", aliases=("IPC副分类号",)),
    Column(
        "patentees", "专利权人", "Patentees", aliases=("权利人", "申请人"), example="浙江测试大学"
    ),
    Column("inventors", "发明人", "Inventors", aliases=("设计人",), example="王伟；李娜"),
    Column("application_date", "申请日", "Application date", example="2021-03-15"),
    Column("grant_date", "授权日", "Grant date", aliases=("授权公告日",)),
    Column(
        "publication_no",
        "公开（公告）号",
        "Publication or grant number",
        aliases=("公开号", "公告号", "授权公告号"),
    ),
    Column("legal_status", "法律状态", "Legal status", example="有效"),
    Column("department", "所属学院", "College", aliases=("学院", "院系", "所属院系")),
    Column(
        "inventory_category",
        "盘点分类",
        "Inventory category",
        aliases=("分类",),
        example="有转化前景",
    ),
    Column("value_grade", "价值自评等级", "Value self-grade", aliases=("价值等级",), example="A"),
    Column("maturity", "技术成熟度", "Technology maturity", aliases=("TRL",), example="6"),
    Column("industry", "所属行业代码", "Industry code", aliases=("行业代码", "所属行业")),
    Column("application_field", "应用领域", "Application field"),
    Column("target_products", "目标产品", "Target products"),
    Column("prospect_note", "产业化前景", "Industrialization prospects"),
    Column(
        "deal_forms", "转化方式", "Deal forms", aliases=("意向转化方式",), example="转让；开放许可"
    ),
    Column("open_licence_fee_basis", "开放许可费用方式", "Open licence fee basis"),
    Column("open_licence_fee_amount", "开放许可费用（元）", "Open licence fee (yuan)"),
    Column("open_licence_royalty_rate", "提成比例（%）", "Royalty rate (%)"),
    Column("open_licence_payment_method", "支付方式", "Payment method"),
    Column("open_licence_period_years", "许可期限（年）", "Licence period (years)"),
    Column("implementation_status", "实施状态", "Implementation status"),
    Column("is_fiscally_funded", "是否财政资助", "Fiscally funded", example="否"),
    Column("contact_name", "联系人", "Contact person"),
    Column("contact_phone", "联系电话", "Contact phone"),
    Column("contact_email", "联系邮箱", "Contact e-mail"),
)

COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED_KEYS = tuple(column.key for column in COLUMNS if column.required)

_NOISE = re.compile(r"[\s*＊:：]+|[(（]必填[)）]|[(（]required[)）]")


def normalise_header(raw: object) -> str:
    text = unicodedata.normalize("NFKC", str(raw or "")).lower()
    return _NOISE.sub("", text)


_BY_HEADER: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.zh, _column.en, _column.key, *_column.aliases):
        _BY_HEADER.setdefault(normalise_header(_name), _column.key)


def column_for_header(raw: object) -> str | None:
    """The column key a header names, or None for a column Panhuo does not read."""
    return _BY_HEADER.get(normalise_header(raw))


def header_label(key: str, language: str) -> str:
    column = COLUMNS_BY_KEY[key]
    return column.en if language.startswith("en") else column.zh
