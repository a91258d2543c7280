"""Demo organisations and one login per role (idempotent: keyed by name and username)."""

from __future__ import annotations

from dataclasses import dataclass

from stdnum.cn import uscc

from accounts.models import Department, Organisation, OrgKind, Role, User

DEMO_PASSWORD = "Panhuo-demo-2026"


def demo_uscc(prefix: str, serial: int) -> str:
    """A valid unified social credit code: 2-char kind, 6-digit region, 9-char org code, check."""
    body = f"{prefix}{serial:09d}"
    return body + uscc.calc_check_digit(body)


@dataclass(frozen=True)
class DemoOrg:
    name: str
    kind: str
    province: str
    city: str | None
    uscc_prefix: str
    departments: tuple[str, ...] = ()


ORGS: list[DemoOrg] = [
    DemoOrg(
        "浙江大学",
        OrgKind.UNIVERSITY,
        "330000",
        "330100",
        "12330000",
        ("材料科学与工程学院", "计算机科学与技术学院", "医学院", "化学工程与生物工程学院"),
    ),
    DemoOrg(
        "北京理工大学",
        OrgKind.UNIVERSITY,
        "110000",
        "110100",
        "12110000",
        ("机械与车辆学院", "信息与电子学院", "材料学院"),
    ),
    DemoOrg(
        "华南理工大学",
        OrgKind.UNIVERSITY,
        "440000",
        "440100",
        "12440000",
        ("环境与能源学院", "自动化科学与工程学院", "轻工科学与工程学院"),
    ),
    DemoOrg(
        "中国科学院宁波材料技术与工程研究所",
        OrgKind.RESEARCH_INSTITUTE,
        "330000",
        "330200",
        "12330200",
        ("新能源技术研究所", "高分子与复合材料实验室"),
    ),
    DemoOrg("杭州新锂能源科技有限公司", OrgKind.ENTERPRISE, "330000", "330100", "91330100"),
    DemoOrg("深圳智视科技有限公司", OrgKind.ENTERPRISE, "440000", "440300", "91440300"),
    DemoOrg("北京康源生物医药有限公司", OrgKind.ENTERPRISE, "110000", "110100", "91110000"),
    DemoOrg(
        "浙江知联技术转移服务中心", OrgKind.SERVICE_INSTITUTION, "330000", "330100", "52330100"
    ),
    DemoOrg("浙江省知识产权局", OrgKind.IP_BUREAU, "330000", None, "11330000"),
    DemoOrg("北京市知识产权局", OrgKind.IP_BUREAU, "110000", None, "11110000"),
    DemoOrg("广东省知识产权局", OrgKind.IP_BUREAU, "440000", None, "11440000"),
    DemoOrg("国家知识产权局", OrgKind.NATIONAL_ADMIN, "110000", None, "11100000"),
    DemoOrg(
        "浙江中衡专利资产评估有限公司",
        OrgKind.APPRAISAL_INSTITUTION,
        "330000",
        "330100",
        "91330101",
    ),
]

# (username, organisation name, role, department, description shown in the printout)
LOGINS: list[tuple[str, str, str, str | None, str]] = [
    ("zju_admin", "浙江大学", Role.ADMIN, None, "university tech-transfer admin"),
    ("zju_staff", "浙江大学", Role.STAFF, None, "university tech-transfer staff"),
    ("zju_college", "浙江大学", Role.COLLEGE_STAFF, "材料科学与工程学院", "college staff"),
    ("zju_inventor", "浙江大学", Role.INVENTOR, "材料科学与工程学院", "inventor"),
    ("bit_staff", "北京理工大学", Role.ADMIN, None, "another university (Beijing)"),
    ("scut_staff", "华南理工大学", Role.ADMIN, None, "another university (Guangdong)"),
    ("nimte_staff", "中国科学院宁波材料技术与工程研究所", Role.ADMIN, None, "research institute"),
    ("ent_admin", "杭州新锂能源科技有限公司", Role.ADMIN, None, "enterprise admin"),
    ("ent_sz", "深圳智视科技有限公司", Role.ADMIN, None, "enterprise (Guangdong)"),
    ("ent_bj", "北京康源生物医药有限公司", Role.ADMIN, None, "enterprise (Beijing)"),
    ("service", "浙江知联技术转移服务中心", Role.ADMIN, None, "service institution"),
    ("bureau_zj", "浙江省知识产权局", Role.ADMIN, None, "provincial IP bureau (Zhejiang)"),
    ("bureau_bj", "北京市知识产权局", Role.ADMIN, None, "provincial IP bureau (Beijing)"),
    ("bureau_gd", "广东省知识产权局", Role.ADMIN, None, "provincial IP bureau (Guangdong)"),
    ("national", "国家知识产权局", Role.ADMIN, None, "national administration"),
    ("appraiser", "浙江中衡专利资产评估有限公司", Role.ADMIN, None, "appraisal institution"),
]

# (given name, surname) of logins that need a name. The inventor sees the patents naming them
# (patents.selectors.patents_for), so the demo inventor is 黄明, an inventor on three of 浙江大学's
# demo patents (patents.demo is seeded, so they are the same on every load); 黄明艳's are not his.
NAMES: dict[str, tuple[str, str]] = {"zju_inventor": ("明", "黄")}


def load_organisations() -> dict[str, Organisation]:
    orgs: dict[str, Organisation] = {}
    for serial, spec in enumerate(ORGS, start=1):
        org, _ = Organisation.objects.get_or_create(
            name=spec.name,
            defaults={
                "kind": spec.kind,
                "province_id": spec.province,
                "city_id": spec.city,
                "uscc": demo_uscc(spec.uscc_prefix, serial),
            },
        )
        for department in spec.departments:
            Department.objects.get_or_create(organisation=org, name=department)
        orgs[spec.name] = org
    return orgs


def load_users(orgs: dict[str, Organisation]) -> list[tuple[str, str]]:
    printed: list[tuple[str, str]] = []
    for username, org_name, role, department_name, description in LOGINS:
        org = orgs[org_name]
        department = (
            Department.objects.get(organisation=org, name=department_name)
            if department_name
            else None
        )
        first_name, last_name = NAMES.get(username, ("", ""))
        if not User.objects.filter(username=username).exists():
            user = User(
                username=username,
                email=f"{username}@demo.panhuo.localhost",
                first_name=first_name,
                last_name=last_name,
                organisation=org,
                role=role,
                department=department,
            )
            user.set_password(DEMO_PASSWORD)
            user.full_clean()
            user.save()
        elif first_name:
            # Demos loaded before the login had a name get it, without touching one set since.
            User.objects.filter(username=username, first_name="", last_name="").update(
                first_name=first_name, last_name=last_name
            )
        printed.append((username, description))
    return printed
