"""Realistic synthetic patent records (Chinese titles and abstracts), for demos and benchmarks.

Deterministic for a given seed, so demo data and benchmark files are reproducible.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from patents.numbers import PatentType, check_digit
from patents.terms import add_years, term_end

# (IPC main symbol, industry class, subject, application field) by technology area.
AREAS: list[tuple[str, str, list[str], str]] = [
    (
        "H01M 10/0525",
        "3841",
        ["锂离子电池", "电池隔膜", "固态电解质", "正极材料", "负极材料"],
        "新能源汽车动力电池、储能电站",
    ),
    ("H01M 50/403", "3841", ["电池隔膜", "复合隔膜", "陶瓷涂层隔膜"], "锂电池隔膜生产"),
    ("G06F 16/35", "6513", ["文本分类", "知识图谱", "信息检索", "语义搜索"], "智能搜索与知识服务"),
    (
        "G06N 3/08",
        "6513",
        ["神经网络", "深度学习模型", "联邦学习", "图神经网络"],
        "人工智能算法服务",
    ),
    ("G06V 10/82", "6513", ["图像识别", "目标检测", "人脸识别", "缺陷检测"], "工业视觉检测、安防"),
    ("A61K 36/00", "2740", ["中药组合物", "植物提取物", "抗炎药物"], "中药制剂与保健品"),
    ("A61B 5/00", "3581", ["心电监测", "血压测量", "可穿戴健康监测"], "医疗器械与远程健康监护"),
    ("C12N 15/113", "2762", ["基因编辑", "重组蛋白", "疫苗抗原"], "生物医药研发"),
    ("C02F 1/44", "7721", ["污水处理", "膜分离", "重金属废水处理"], "工业废水与市政污水处理"),
    ("B25J 9/16", "3491", ["机械臂", "协作机器人", "机器人路径规划"], "智能制造产线"),
    ("A01G 22/00", "0111", ["水稻种植", "节水灌溉", "设施农业"], "现代农业种植"),
    ("C08L 67/04", "2651", ["可降解塑料", "聚乳酸复合材料", "生物基材料"], "包装材料与一次性制品"),
    ("H02J 3/38", "4416", ["光伏并网", "微电网调度", "储能变流器"], "新能源发电与电网"),
    ("B60L 58/12", "3612", ["电池管理系统", "充电桩", "整车能量管理"], "新能源汽车"),
    ("G01N 21/65", "4021", ["拉曼光谱检测", "快速检测试纸", "气体传感器"], "食品安全与环境监测"),
    ("E04B 1/98", "4790", ["装配式建筑", "隔震支座", "钢结构连接节点"], "建筑工程"),
    ("H04W 72/04", "6312", ["5G通信", "资源调度", "物联网通信"], "通信设备与物联网"),
    ("C22C 38/00", "3130", ["高强钢", "耐腐蚀合金", "铝合金热处理"], "钢铁与有色金属冶炼"),
]
VERBS = ["一种", "一种基于", "一种用于", "一种高效", "一种低成本"]
OBJECTS = ["的制备方法", "的检测方法及装置", "的控制系统", "及其应用", "的优化方法", "的装置"]
EFFECTS = [
    "显著提高了生产效率",
    "降低了制造成本约30%",
    "提升了产品稳定性和一致性",
    "实现了实时在线监测",
    "减少了能耗与污染排放",
    "延长了使用寿命",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "霞",
    "平",
    "刚",
]


@dataclass
class SyntheticPatent:
    application_no: str
    title: str
    abstract: str
    ipc_main: str
    industry_code: str
    application_field: str
    inventors: list[str]
    application_date: datetime.date
    grant_date: datetime.date | None
    maturity: int
    deal_forms: list[str] = field(default_factory=list)
    legal_status: str = "valid"  # LegalStatus values: pending, valid or expired


#: The period of the open licences these records offer.
OPEN_LICENCE_YEARS = 3


def _legal_status(granted: datetime.date | None, end: datetime.date, today: datetime.date) -> str:
    if granted is None:
        return "pending"
    return "expired" if end <= today else "valid"


def _offered(forms: list[str], status: str, end: datetime.date, today: datetime.date) -> list[str]:
    """The deal forms a record may really offer: an open licence needs a patent in force for
    the whole licence period (Implementing Rules Art. 85; patents.services.records)."""
    in_force = status == "valid" and add_years(today, OPEN_LICENCE_YEARS) <= end
    kept = [form for form in forms if form != "open_licence" or in_force]
    return kept or ["transfer"]


def _application_no(rng: random.Random, year: int, type_digit: str, serial: int) -> str:
    body = f"{year}{type_digit}{serial % 10_000_000:07d}"
    return f"{body}.{check_digit(body)}"


def generate(
    count: int, *, seed: int = 7, serial_start: int = 0, today: datetime.date | None = None
) -> Iterator[SyntheticPatent]:
    """Yield `count` distinct, valid patent records, their legal status as of `today`."""
    rng = random.Random(seed)
    today = today or datetime.date.today()
    for index in range(count):
        ipc, industry, subjects, application_field = AREAS[rng.randrange(len(AREAS))]
        subject = rng.choice(subjects)
        year = rng.randint(2012, 2023)
        type_digit = rng.choices("12", weights=(8, 2))[0]
        filed = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
        granted = filed + datetime.timedelta(days=rng.randint(200, 1400))
        title = f"{rng.choice(VERBS)}{subject}{rng.choice(OBJECTS)}"
        abstract = (
            f"本发明公开了{title.removeprefix('一种')}，涉及{subject}技术领域。"
            f"该方案通过改进{rng.choice(subjects)}的关键结构与工艺参数，{rng.choice(EFFECTS)}，"
            f"并且{rng.choice(EFFECTS)}，适用于{application_field}。"
        )
        inventors = [
            rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))
            for _ in range(rng.randint(1, 4))
        ]
        forms = rng.sample(
            ["transfer", "ordinary_licence", "open_licence", "investment"], k=rng.randint(1, 3)
        )
        grant_date = granted if granted < datetime.date(2025, 1, 1) else None
        kind = PatentType.INVENTION if type_digit == "1" else PatentType.UTILITY_MODEL
        end = term_end(kind, filed)
        assert end is not None  # both kinds have a statutory term
        status = _legal_status(grant_date, end, today)
        yield SyntheticPatent(
            application_no=_application_no(rng, year, type_digit, serial_start + index),
            title=title,
            abstract=abstract,
            ipc_main=ipc,
            industry_code=industry,
            application_field=application_field,
            inventors=inventors,
            application_date=filed,
            grant_date=grant_date,
            maturity=rng.randint(3, 8),
            deal_forms=_offered(forms, status, end, today),
            legal_status=status,
        )
