"""Write a realistic N-row patent inventory (.xlsx, Chinese headers) for demos and benchmarks.

    .venv/bin/python benchmarks/generate_inventory.py 100000 /tmp/inventory-100k.xlsx

Rows come from `patents.synthetic` (deterministic for a seed), so the file is reproducible.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import Workbook

from patents.importing.columns import COLUMNS_BY_KEY
from patents.synthetic import OPEN_LICENCE_YEARS, generate

HEADERS = (
    "application_no", "title", "abstract", "ipc_main", "patentees", "inventors",
    "application_date", "grant_date", "legal_status", "inventory_category", "value_grade",
    "maturity", "industry", "application_field", "target_products", "deal_forms",
    "open_licence_fee_basis", "open_licence_fee_amount", "open_licence_period_years",
    "contact_name", "contact_email",
)  # fmt: skip
DEAL_FORM_ZH = {
    "transfer": "转让",
    "ordinary_licence": "普通许可",
    "open_licence": "开放许可",
    "investment": "作价入股",
}

LEGAL_STATUS_ZH = {"pending": "审中", "valid": "有效", "expired": "期限届满"}


def rows(count: int, *, owner: str, seed: int) -> Iterator[list[object]]:
    for index, record in enumerate(generate(count, seed=seed)):
        open_licence = "open_licence" in record.deal_forms
        yield [
            record.application_no,
            record.title,
            record.abstract,
            record.ipc_main,
            owner,
            "；".join(record.inventors),
            record.application_date,
            record.grant_date,
            LEGAL_STATUS_ZH[record.legal_status],
            "有转化前景" if index % 5 else "无明确转化前景",
            "ABC"[index % 3],
            record.maturity,
            record.industry_code,
            record.application_field,
            record.application_field.split("、")[0] + "相关产品",
            "；".join(DEAL_FORM_ZH[form] for form in record.deal_forms),
            "一次性支付" if open_licence else None,
            50000 if open_licence else None,
            OPEN_LICENCE_YEARS if open_licence else None,
            "技术转移中心",
            "ttc@example.edu.cn",
        ]


def write_inventory(count: int, path: Path, *, owner: str = "浙江测试大学", seed: int = 7) -> Path:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("专利清单")
    sheet.append([COLUMNS_BY_KEY[key].zh for key in HEADERS])
    for row in rows(count, owner=owner, seed=seed):
        sheet.append(row)
    tmp = path.with_suffix(".tmp.xlsx")
    workbook.save(tmp)
    os.replace(tmp, path)  # never leave a half-written file where the benchmark reuses it
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    write_inventory(args.count, args.out, seed=args.seed)
    elapsed = time.perf_counter() - started
    size = args.out.stat().st_size
    print(f"wrote {args.count} rows to {args.out} ({size / 1e6:.1f} MB) in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
