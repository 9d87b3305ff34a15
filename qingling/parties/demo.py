"""The demo city: the bureau's units and staff, organizations, projects and people.

Built through the same services that staff use, from a seed, so two runs with the
same seed give the same city. The identifiers are generated with valid check digits
(they pass the validators) but belong to nobody.
"""

import datetime as dt
import functools
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from faker import Faker
from stdnum.cn import ric, uscc

from qingling.accounts.models import OrgUnit, Role, User
from qingling.accounts.services import org_unit_create, staff_create
from qingling.core.models import Division
from qingling.parties.models import Organization, Person, Project, ProjectParty
from qingling.parties.services import (
    organization_register,
    person_register,
    project_party_add,
    project_register,
)

DEMO_PASSWORD = "qingling-demo"  # noqa: S105 (a published demo sign-in, never a real account)
COUNTIES = ("220402", "220403", "220421", "220422")
MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "158",
    "159",
    "166",
    "177",
    "180",
    "186",
    "187",
    "188",
    "189",
    "199",
)
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
PROJECT_KINDS = (
    "住宅小区",
    "棚户区改造项目",
    "商业综合体",
    "道路改造工程",
    "学校教学楼",
    "供热管网改造工程",
    "医院门诊楼",
    "产业园厂房",
)


def fake_id_number(
    rng: random.Random, *, division: str = "220402", born: dt.date | None = None
) -> str:
    """Return an 18-character ID number with a valid address code, birth date and check digit."""
    born = born or dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(365 * 42))
    body = f"{division}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit


def fake_credit_code(rng: random.Random, *, division: str = "220402") -> str:
    """Return a unified social credit code with a valid GB 32100 check character."""
    body = "91" + division + "".join(rng.choice(CREDIT_ALPHABET) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def fake_mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


@dataclass(frozen=True)
class StaffSpec:
    username: str
    full_name: str
    role: str
    unit: str


UNITS = (
    ("辽源市人社局劳动保障监察支队", "220400"),
    ("辽源市农民工维权中心", "220400"),
    ("辽源市就业服务局", "220400"),
    ("龙山区劳动保障监察大队", "220402"),
    ("西安区劳动保障监察大队", "220403"),
    ("东丰县劳动保障监察大队", "220421"),
    ("东辽县劳动保障监察大队", "220422"),
)
STAFF = (
    StaffSpec("admin", "系统管理员", Role.ADMINISTRATOR, "辽源市人社局劳动保障监察支队"),
    StaffSpec("director", "赵局长", Role.DIRECTOR, "辽源市人社局劳动保障监察支队"),
    StaffSpec("chief", "钱科长", Role.SECTION_CHIEF, "辽源市农民工维权中心"),
    StaffSpec("intake", "孙受理", Role.INTAKE_OFFICER, "辽源市农民工维权中心"),
    StaffSpec("inspector", "李监察", Role.INSPECTOR, "辽源市农民工维权中心"),
    StaffSpec("inspector2", "周监察", Role.INSPECTOR, "辽源市农民工维权中心"),
    StaffSpec("longshan", "吴监察", Role.INSPECTOR, "龙山区劳动保障监察大队"),
    StaffSpec("xian", "郑监察", Role.INSPECTOR, "西安区劳动保障监察大队"),
    StaffSpec("employment", "王就业", Role.EMPLOYMENT_OFFICER, "辽源市就业服务局"),
)


def demo_card_number(n: int) -> str:
    """A made-up 行政执法证号 for the demo's inspectors (the documents print it)."""
    return f"22040019{n:03d}"


@dataclass
class DemoCity:
    staff: list[User]
    organizations: list[Organization]
    projects: list[Project]
    people: list[Person]


@functools.cache
def demo_password_hash() -> str:
    """`DEMO_PASSWORD` hashed once for every demo sign-in: the hasher's work (about half a
    second each on a small machine) is the point of a real password, not of sixteen copies
    of a published one."""
    return make_password(DEMO_PASSWORD)


def demo_city_build(
    *, seed: int = 2021, organizations: int = 40, projects: int = 20, workers: int = 200
) -> DemoCity:
    """Build the demo city; call on an empty database."""
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    divisions = {d.code: d for d in Division.objects.all()}
    units: dict[str, OrgUnit] = {
        name: org_unit_create(name=name, division=divisions[code], actor=None)
        for name, code in UNITS
    }
    staff = [
        staff_create(
            username=s.username,
            full_name=s.full_name,
            role=s.role,
            org_unit=units[s.unit],
            password_hash=demo_password_hash(),
            actor=None,
            enforcement_card_number=demo_card_number(n) if s.role == Role.INSPECTOR else "",
        )
        for n, s in enumerate(STAFF, start=1)
    ]
    used_ids: set[str] = set()

    def person(division: str, *, with_phone: bool = True) -> Person:
        while (number := fake_id_number(rng, division=division)) in used_ids:
            pass
        used_ids.add(number)
        return person_register(
            name=fake.name(),
            id_number=number,
            phone=fake_mobile(rng) if with_phone else "",
            actor=None,
        )

    orgs = []
    for _ in range(organizations):
        county = rng.choice(COUNTIES)
        trade = rng.choice(("建筑工程", "建设", "劳务", "装饰工程"))
        name = f"辽源市{fake.company_prefix()}{trade}有限公司"
        while Organization.objects.filter(name=name).exists():
            name = (
                name.replace("有限公司", "有限责任公司", 1)
                if "责任" not in name
                else name + "分公司"
            )
        orgs.append(
            organization_register(
                name=name,
                credit_code=fake_credit_code(rng, division=county),
                legal_representative=person(county),
                division=divisions[county],
                address=fake.street_address(),
                actor=None,
            )
        )
    built = []
    for index in range(projects):
        county = COUNTIES[index % len(COUNTIES)]
        builder, contractor, *subs = rng.sample(orgs, 4)
        start = dt.date(2019, 3, 1) + dt.timedelta(days=rng.randrange(700))
        project = project_register(
            name=f"{divisions[county].name}{fake.street_name()}{rng.choice(PROJECT_KINDS)}",
            division=divisions[county],
            address=fake.street_address(),
            contract_value=Decimal(rng.randrange(800, 60000)) * 10000,
            start_date=start,
            end_date=start + dt.timedelta(days=rng.randrange(300, 900)),
            builder=builder,
            general_contractor=contractor,
            wage_officer=person(county),
            actor=None,
        )
        gc_party = project.parties.get(role=ProjectParty.Role.GENERAL_CONTRACTOR)
        for sub in subs:
            sub_party = project_party_add(
                project=project,
                role=ProjectParty.Role.SUBCONTRACTOR,
                organization=sub,
                engaged_by=gc_party,
                actor=None,
            )
            project_party_add(
                project=project,
                role=ProjectParty.Role.TEAM,
                leader=person(county),
                engaged_by=sub_party,
                actor=None,
            )
        built.append(project)
    people = [person(rng.choice(COUNTIES), with_phone=rng.random() < 0.9) for _ in range(workers)]
    return DemoCity(staff=staff, organizations=orgs, projects=built, people=people)
