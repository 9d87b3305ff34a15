"""The spring 2021 season of 辽源, replayed through the platform (docs/scenario.md).

``season_replay`` builds the city (the bureau's units and staff, organizations,
construction projects, workers) and then lives through every working day from
2021-01-04 to 2021-03-05, calling the same services that staff and outside systems
call: complaints from every channel, triage within five working days, cases under a
lead inspector, inspections, orders, payments, replies to work orders and feedback on
transfer orders, the survey, postings, pushes, pairings, introductions and the first
chartered buses. No result is inserted directly: the figures of ``qingling stats`` for
the season are counted from what the services wrote, and the inputs are chosen so that
they are the figures the Liaoyuan Daily printed (65, 22, 30 人次 / 14 projects / 5,
8 cases / 305 workers / 280万元, 1.4万+ postings, 60 workers by bus).

**Time.** Each event runs inside ``clock.frozen_at(moment)`` (``qingling.core.clock``),
a small explicit override of the platform's clock, rather than under time_machine (a
test tool, installed with the dev extras only). Every service reads ``clock.now()`` /
``clock.local_today()``, so received, decided, replied, opened, paid, published, sent,
boarded … carry the season's dates, and so do the audit log's ``at`` and a posting's
``created_at`` (``postings_collected`` counts by it), which their services now set from
``clock.now()``. Only the technical row stamps that Django fills from ``timezone.now``
itself (other models' ``created_at`` and every ``updated_at``) say when the replay wrote
the row; switching ``TimeStampedModel``'s default to the clock would have meant a no-op
migration in eight apps, and no figure or deadline reads those stamps.

**Determinism.** Every choice comes from one ``random.Random(seed)`` and one seeded
Faker, in a fixed order, and nothing iterates over a set or depends on primary keys or
UUIDs, so two runs with the same seed give the same statistics.

**Nothing leaves the machine.** The hotline systems are registered without a reply URL
(their replies are recorded and counted, no webhook is queued) and workers are texted
through the outbox's SMS gateway (the console/file gateway in development); the
replay leaves the outbox pending and never delivers.
"""

import datetime as dt
import functools
import random
import struct
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from faker import Faker

from qingling.accounts.models import OrgUnit, Role, User
from qingling.accounts.services import staff_create
from qingling.cases.compensation import compensation_payment_record
from qingling.cases.decisions import (
    proceeding_decide,
    proceeding_defence_answer,
    proceeding_defence_record,
    proceeding_live,
    proceeding_start,
    proceeding_waiver_record,
)
from qingling.cases.documents import document_generate
from qingling.cases.enforcement import proceeding_clocks_scan
from qingling.cases.lifecycle import CaseOutcome, CaseStatus
from qingling.cases.models import Case, Claim, Compensation, Document, Payment, Service
from qingling.cases.services import (
    case_deadlines_scan,
    case_facts_for_respondent_set,
    case_open,
    case_transition,
    claim_add,
    claim_update,
    payment_record,
)
from qingling.cases.serving import ServiceDetails, service_record
from qingling.core import clock
from qingling.core.calendars import add_working_days
from qingling.core.models import Division
from qingling.core.personal_data import blind_index
from qingling.core.selectors import work_calendar
from qingling.core.services import Actor
from qingling.core.spreadsheets import machine_csv_write
from qingling.core.validators import normalize_id_number
from qingling.employment.models import ContactChannel, Posting, Seeker, Trip
from qingling.employment.services.introductions import introduction_create, introduction_decide
from qingling.employment.services.pairings import contact_record, pairings_balance
from qingling.employment.services.postings import (
    PostingInput,
    postings_expire_due,
    postings_import_rows,
    postings_publish,
)
from qingling.employment.services.pushes import push_send
from qingling.employment.services.seekers import SeekerInput, seekers_register
from qingling.employment.services.trips import trip_seat_board, trip_transition, trips_plan
from qingling.inspections.checklist import CheckItem, CheckResult
from qingling.inspections.models import Campaign, Finding
from qingling.inspections.services import (
    SpotPaymentLine,
    campaign_create,
    finding_correct_on_spot,
    finding_corrected,
    finding_deadline_set,
    finding_overdue_scan,
    finding_to_case,
    inspection_record,
)
from qingling.intake.channels.base import ComplaintDraft, SettlementLine
from qingling.intake.lifecycle import NotAcceptedReason
from qingling.intake.models import Callback, Channel, Complaint, SourceSystem
from qingling.intake.services import (
    callback_answer,
    complaint_accept,
    complaint_decline,
    complaint_escalate_overdue,
    complaint_join,
    complaint_refer,
    complaint_register,
    complaint_reply_record,
    complaint_request_material,
    complaint_settle,
    source_system_create,
)
from qingling.parties.demo import (
    demo_card_number,
    demo_city_build,
    demo_password_hash,
    fake_credit_code,
    fake_id_number,
)
from qingling.parties.demo import fake_mobile as _fake_mobile
from qingling.parties.models import Organization, Project, ProjectParty

NAME = "liaoyuan-2021"
SEASON_START = dt.date(2021, 1, 4)
SEASON_END = dt.date(2021, 3, 5)
# The city is built and one case opened in December 2020: its 60-working-day limit ends on
# 2021-03-10, so the worker's scan warns about it in the season's last week.
PROLOGUE = dt.date(2020, 12, 9)
COUNTIES = ("220402", "220403", "220421", "220422")
TOWNSHIPS = {
    "220402": ("向阳街道", "北寿街道", "福镇街道", "工农乡", "寿山镇"),
    "220403": ("仙城街道", "东山街道", "灯塔镇", "富国街道"),
    "220421": ("东丰镇", "大阳镇", "横道河镇", "那丹伯镇", "沙河镇"),
    "220422": ("白泉镇", "渭津镇", "安石镇", "辽河源镇", "泉太镇"),
}
DALIAN, SHANDONG = "210200", "370000"
BUS_DATES = {DALIAN: dt.date(2021, 3, 2), SHANDONG: dt.date(2021, 3, 4)}
BUS_RECEIVED_BY = {DALIAN: "大连市人社局驻站联络员", SHANDONG: "山东省青岛市人社局对接专员"}
BUS_BOARDED = {DALIAN: 35, SHANDONG: 25}  # one more of each is seated and does not come
SEATS = 45
EXTRA_STAFF = (
    ("intake2", "周受理", Role.INTAKE_OFFICER, "辽源市农民工维权中心"),
    ("inspector3", "刘监察", Role.INSPECTOR, "辽源市农民工维权中心"),
    ("dongfeng", "陈监察", Role.INSPECTOR, "东丰县劳动保障监察大队"),
    ("dongliao", "黄监察", Role.INSPECTOR, "东辽县劳动保障监察大队"),
    ("employment2", "马就业", Role.EMPLOYMENT_OFFICER, "辽源市就业服务局"),
    ("employment3", "杨就业", Role.EMPLOYMENT_OFFICER, "辽源市就业服务局"),
    ("employment4", "朱就业", Role.EMPLOYMENT_OFFICER, "辽源市就业服务局"),
)
ORDER_WORKING_DAYS = 10  # to pay, from the order's service (the same day, directly)
COUNTY_INSPECTOR = {
    "220402": "longshan",
    "220403": "xian",
    "220421": "dongfeng",
    "220422": "dongliao",
}
CITY_INSPECTORS = ("inspector", "inspector2", "inspector3")
OFFICERS = ("employment", "employment2", "employment3", "employment4")
REFERRALS = (
    "辽源市劳动人事争议仲裁院",
    "吉林市人力资源和社会保障局劳动保障监察支队",
    "辽源市住房和城乡建设局",
    "长春市人力资源和社会保障局劳动保障监察支队",
)

Progress = Callable[[str], None]


# --- the script of the season: what is fixed --------------------------------------------------


@dataclass(frozen=True)
class CaseScript:
    """One wage case of the season: where, when (working-day index), who and how much.

    ``root`` is the channel of the complaint that opens it (a group complaint by the
    workers' representative); ``joined`` the channels of the complaints of co-workers that
    join it before it opens; ``later`` those that arrive while it runs, joined to it.
    ``paid`` workers are paid ``amount`` in all, in the batches ``pay_days``; ``unpaid``
    more workers still wait at the end. ``close`` is (closing requested, closed), or
    None for a case still open at the end.
    """

    opened: int
    county: str
    root: str
    joined: tuple[str, ...]
    later: tuple[str, ...]
    paid: int
    amount: int
    pay_days: tuple[int, ...]
    close: tuple[int, int | None] | None
    order_day: int
    unpaid: int = 0
    from_inspection: bool = False


SETTLED_KIND_INDEX = 4  # "refer_housing" in `_Season.other_draft`'s kinds


def _transfer_slip() -> bytes:
    """The proof of a settlement's payment: a 1×1 PNG standing for the bank slip's photo."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


H, H3, N, W, K = (
    Channel.HOTLINE_12345,
    Channel.HOTLINE_12333,
    Channel.NATIONAL_PLATFORM,
    "web",
    "walk_in",
)
CASES = (
    CaseScript(2, "220402", H, (H, K, W), (H, H, H3, N), 62, 560_000, (8, 12), (15, 16), 4),
    CaseScript(4, "220403", N, (H, K), (H, H3, W), 48, 450_000, (10, 14), (20, 21), 6),
    CaseScript(7, "220421", K, (H, H, W, K), (H, N), 45, 420_000, (13, 17), (22, 23), 9),
    CaseScript(
        11, "220402", "", (), (H, H), 40, 380_000, (16, 20), (24, 25), 13, from_inspection=True
    ),
    CaseScript(14, "220422", H3, (H, W), (H, H, N), 38, 350_000, (22, 26), (27, 28), 16),
    CaseScript(17, "220403", W, (H, H, K), (H3, H), 30, 280_000, (28, 34), (35, 36), 19),
    CaseScript(21, "220402", N, (H,), (H, H, N), 25, 220_000, (33, 39), (40, None), 23),
    CaseScript(32, "220421", H, (H, W), (H, N), 17, 140_000, (38, 41), None, 35, unpaid=6),
)


@dataclass(frozen=True)
class InspectionScript:
    """One site visit: the day, the project (index into the city's projects), and the item
    found in violation with what became of it ("" for a clean visit)."""

    day: int
    project: int
    violation: str = ""
    fate: str = ""  # spot | deadline | case | open
    corrected: int = 0  # the day a deadline finding is corrected


INSPECTIONS = (
    InspectionScript(1, 0),
    InspectionScript(3, 1, CheckItem.INFORMATION_BOARD, "spot"),
    InspectionScript(5, 2, CheckItem.REAL_NAME, "deadline", corrected=9),
    InspectionScript(8, 4),
    InspectionScript(10, 3, CheckItem.MONTHLY_PAY, "case"),
    InspectionScript(12, 5, CheckItem.PAYROLL_LEDGER, "spot"),
    InspectionScript(15, 6),
    InspectionScript(18, 7, CheckItem.WAGE_ACCOUNT, "deadline", corrected=26),
    InspectionScript(21, 8),
    InspectionScript(23, 9, CheckItem.PAY_ON_BEHALF, "spot"),
    InspectionScript(27, 10),
    InspectionScript(30, 11),
    InspectionScript(33, 3),  # the follow-up visit (复查) of the site whose case has closed
    InspectionScript(36, 12),
    InspectionScript(38, 13, CheckItem.WAGE_DEPOSIT, "open"),
)

# Postings imported from the partner regions and the city's own enterprises:
# (working-day index, place codes, partner region, count, prefix of the references).
IMPORTS = (
    (5, (DALIAN,), "辽宁省大连市", 2400, "DL"),
    (10, (SHANDONG, "370200"), "山东省", 2100, "SD"),
    (15, ("220100", "220200"), "吉林省长春市、吉林市", 1800, "JL"),
    (20, COUNTIES, "", 2600, "LY"),
    (26, ("320500", "330200", "440300"), "江苏省苏州市、浙江省宁波市、广东省深圳市", 1900, "HD"),
    (30, ("110000", "120000"), "北京市、天津市", 1500, "JJ"),
    (37, COUNTIES, "", 1000, "LB"),
    (32, (DALIAN, SHANDONG), "辽宁省大连市、山东省", 936, "BC"),
)
PUBLISH_PER_IMPORT = 150
POSTING_OCCUPATIONS = (
    "6-29",
    "6-29",
    "6-29",
    "6-18",
    "6-22",
    "6-02",
    "4-02",
    "4-03",
    "4-10",
    "6-31",
)
POSTING_TITLES = {
    "6-29": ("钢筋工", "木工", "瓦工", "架子工", "混凝土工", "水电安装工"),
    "6-18": ("数控车工", "焊工", "钳工"),
    "6-22": ("汽车装配工", "汽车涂装工"),
    "6-02": ("食品包装工", "速冻食品生产工"),
    "4-02": ("仓储理货员", "快递分拣员"),
    "4-03": ("厨师", "餐厅服务员"),
    "4-10": ("家政服务员", "养老护理员"),
    "6-31": ("普工", "包装工"),
}
EMPLOYER_TRADES = (
    "食品",
    "机械制造",
    "物流",
    "汽车零部件",
    "服装",
    "电子科技",
    "家政服务",
    "餐饮管理",
)
SURVEY_DAYS = range(5, 42)  # the 需求大普查 starts on 11 January
SURVEY_PER_DAY = 22
INSPECTED_CASE_PROJECT = 3  # the site whose unpaid-wages finding becomes a case


@dataclass
class SeasonResult:
    """What the replay made, for the command's summary."""

    counts: dict[str, int] = field(default_factory=dict)
    # The day the replay ended on: a demo database lives on it (core.models.DemoClock).
    last_day: dt.date = SEASON_END

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n


@dataclass
class _Worker:
    name: str
    id_number: str
    phone: str
    amount: Decimal = Decimal(0)


@dataclass
class _Matter:
    """A case as it is being lived: its complaints, workers and the case once opened."""

    script: CaseScript
    project: Project
    respondent: Organization
    workers: list[_Worker]
    unpaid: list[_Worker]
    root: Complaint | None = None
    pending_joins: list[Complaint] = field(default_factory=list)
    case: Case | None = None


class _Season:
    """The replay's state; the methods are the bureau's days, in order."""

    def __init__(self, *, seed: int, progress: Progress) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.progress = progress
        self.result = SeasonResult()
        self.days: list[dt.date] = []
        self.staff: dict[str, User] = {}
        self.projects: list[Project] = []
        self.matters: list[_Matter] = []
        self.systems: dict[str, SourceSystem] = {}
        self.used_ids: set[str] = set()
        self.source_numbers: dict[str, int] = {}
        # complaints waiting for a decision or a reply: (day index, callable)
        self.agenda: dict[int, list[Callable[[], None]]] = {}
        self.findings: dict[int, Finding] = {}
        self.bus_seekers: dict[str, list[Seeker]] = {DALIAN: [], SHANDONG: []}
        self.bus_postings: dict[str, Posting] = {}
        self.minute = 0
        self.settled_numbers: set[int] = set()

    # --- time -------------------------------------------------------------------------------

    def at(self, day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
        naive = dt.datetime.combine(day, dt.time(hour, minute))
        return timezone.make_aware(naive, timezone.get_default_timezone())

    def later(self, day_index: int, action: Callable[..., None], *args: Any) -> None:
        """Put ``action(*args)`` on the agenda of the working day ``day_index``."""
        self.agenda.setdefault(day_index, []).append(functools.partial(action, *args))

    # --- people -----------------------------------------------------------------------------

    def id_number(self, division: str) -> str:
        while (number := fake_id_number(self.rng, division=division)) in self.used_ids:
            pass
        self.used_ids.add(number)
        return number

    def worker(self, county: str) -> _Worker:
        return _Worker(self.fake.name(), self.id_number(county), _fake_mobile(self.rng))

    def source_ref(self, channel: str, day: dt.date) -> str:
        prefix = {"12345": "GD", "12333": "RS", "national_platform": "ZB"}[channel]
        self.source_numbers[channel] = self.source_numbers.get(channel, 0) + 1
        return f"{prefix}{day:%Y%m%d}{self.source_numbers[channel]:04d}"

    # --- the prologue: the city ---------------------------------------------------------------

    def build_city(self) -> None:
        calendar = work_calendar()
        day = SEASON_START
        while day <= SEASON_END:
            if calendar.is_working_day(day):
                self.days.append(day)
            day += dt.timedelta(days=1)
        with clock.frozen_at(self.at(PROLOGUE, 8, 30)):
            city = demo_city_build(seed=self.rng.randrange(10**6), workers=0)
            units = {unit.name: unit for unit in OrgUnit.objects.all()}
            self.staff = {user.username: user for user in city.staff}
            for n, (username, full_name, role, unit) in enumerate(EXTRA_STAFF, start=101):
                self.staff[username] = staff_create(
                    username=username,
                    full_name=full_name,
                    role=role,
                    org_unit=units[unit],
                    password_hash=demo_password_hash(),
                    actor=self.staff["admin"],
                    enforcement_card_number=demo_card_number(n) if role == Role.INSPECTOR else "",
                )
            self.projects = sorted(city.projects, key=lambda p: (p.division_id, p.name))
            for channel, name in (
                (H, "辽源市12345政务服务便民热线"),
                (H3, "辽源市12333人社服务热线"),
                (N, "全国根治欠薪线索反映平台"),
            ):
                # No reply URL: nothing is sent over the network by the replay or later.
                self.systems[channel], _key = source_system_create(
                    name=name, channel=channel, actor=self.staff["admin"]
                )
            self.campaign = campaign_create(
                name="2020年冬季根治欠薪专项行动",
                starts_on=dt.date(2020, 11, 16),
                ends_on=dt.date(2021, 2, 10),
                division=Division.objects.get(code=settings.QINGLING_CITY_DIVISION),
                actor=self.staff["chief"],
            )
        self.result.add("staff", len(self.staff))
        self.result.add("organizations", len(city.organizations))
        self.result.add("projects", len(self.projects))
        self.carry_over_case()
        self.progress(
            f"city: {len(self.staff)} staff, {len(city.organizations)} organizations, "
            f"{len(self.projects)} projects; {len(self.days)} working days to replay"
        )

    def carry_over_case(self) -> None:
        """A case opened in December 2020 and still under investigation: its 60-working-day
        limit falls in March, so the worker's scan warns about it in the season's last week."""
        project = self.projects[-1]
        county = project.division_id
        worker = self.worker(county)
        with clock.frozen_at(self.at(PROLOGUE, 10)):
            complaint = complaint_register(
                draft=ComplaintDraft(
                    name=worker.name,
                    id_number=worker.id_number,
                    phone=worker.phone,
                    employer_name=self.respondent(project).name,
                    project_name=project.name,
                    division_code=county,
                    amount=Decimal(86_000),
                    headcount=9,
                    period="2020年8月至11月",
                    narrative=f"本人及另外8名工友在{project.name}务工，被拖欠工资约8.6万元。",
                ),
                channel=K,
                actor=self.staff["intake"],
            ).complaint
        opened = PROLOGUE + dt.timedelta(days=1)  # Thursday 10 December
        with clock.frozen_at(self.at(opened, 9)):
            complaint = complaint_accept(complaint=complaint, actor=self.staff["intake"])
            lead = self.staff[COUNTY_INSPECTOR[county]]
            case = case_open(
                complaints=[complaint],
                respondent=self.respondent(project),
                division=project.division,
                lead=lead,
                co_inspectors=[self.staff["inspector3"]],
                project=project,
                summary="工资拖欠，用工主体待查清（跨年案件）",
                actor=self.staff["chief"],
            )
            case_transition(case=case, target=CaseStatus.INVESTIGATING, actor=lead)

    def respondent(self, project: Project) -> Organization:
        party = (
            project.parties.filter(role=ProjectParty.Role.SUBCONTRACTOR)
            .select_related("organization")
            .order_by("id")
            .first()
        )
        assert party is not None and party.organization is not None
        return party.organization

    def payer(self, project: Project, role: str) -> Organization | None:
        party = project.parties.filter(role=role).select_related("organization").first()
        return party.organization if party is not None else None

    # --- complaints ---------------------------------------------------------------------------

    def register(
        self, *, channel: str, day: dt.date, hour: int, minute: int, draft: ComplaintDraft
    ) -> Complaint:
        if channel in self.systems:
            draft.source_ref = self.source_ref(channel, day)
        actor = self.staff["intake2" if channel == H3 else "intake"] if channel in (K, H3) else None
        if channel == "letter":
            actor = self.staff["intake"]
        with clock.frozen_at(self.at(day, hour, minute)):
            complaint = complaint_register(
                draft=draft, channel=channel, actor=actor, source_system=self.systems.get(channel)
            ).complaint
        self.result.add(f"complaints_{channel}")
        return complaint

    def reply(self, complaint: Complaint, text: str) -> None:
        if complaint.channel in self.systems:
            complaint_reply_record(complaint=complaint, text=text, actor=self.staff["intake"])
            self.result.add("replies")

    def worker_draft(
        self, worker: _Worker, matter: _Matter, *, group: bool, channel: str
    ) -> ComplaintDraft:
        project, employer = matter.project, matter.respondent
        people = len(matter.workers) + len(matter.unpaid)
        total = sum((w.amount for w in matter.workers), Decimal(0)) + sum(
            (w.amount for w in matter.unpaid), Decimal(0)
        )
        if group:
            narrative = (
                f"市民来电反映：其在{employer.name}承建的{project.name}务工，"
                f"公司拖欠其与工友共{people}人工资约{(total / 10000).quantize(Decimal(1))}万元，"
                "多次索要未果，请求协调解决。"
            )
            amount, headcount = total, people
        else:
            narrative = (
                f"本人在{project.name}务工，{employer.name}拖欠本人工资"
                f"{worker.amount.quantize(Decimal(1))}元，请求帮助追讨。"
            )
            amount, headcount = worker.amount, 1
        return ComplaintDraft(
            name=worker.name,
            id_number=worker.id_number,
            phone=worker.phone,
            employer_name=employer.name,
            project_name=project.name,
            division_code=project.division_id,
            amount=amount,
            headcount=headcount,
            period="2020年9月至12月",
            narrative=narrative if channel != "walk_in" else "",
        )

    # --- the wage cases ----------------------------------------------------------------------

    def plan_matters(self) -> None:
        used = {INSPECTED_CASE_PROJECT, len(self.projects) - 1}  # the carry-over case's
        for script in CASES:
            index = INSPECTED_CASE_PROJECT
            if not script.from_inspection:
                index = next(
                    i
                    for i, p in enumerate(self.projects)
                    if p.division_id == script.county and i not in used
                )
                used.add(index)
            project = self.projects[index]
            county = project.division_id
            workers = [self.worker(self.rng.choice(COUNTIES)) for _ in range(script.paid)]
            self.split(workers, Decimal(script.amount))
            unpaid = [self.worker(county) for _ in range(script.unpaid)]
            for extra in unpaid:
                extra.amount = Decimal(self.rng.randrange(60, 110) * 100)
            matter = _Matter(script, project, self.respondent(project), workers, unpaid)
            self.matters.append(matter)
            self.schedule_matter(matter)

    def split(self, workers: Sequence[_Worker], total: Decimal) -> None:
        """Share ``total`` yuan among the workers in whole hundreds, roughly by months
        worked, so that the shares sum to it exactly."""
        weights = [self.rng.randint(60, 140) for _ in workers]
        hundreds = int(total) // 100
        shares = [hundreds * w // sum(weights) for w in weights]
        for index in range(hundreds - sum(shares)):
            shares[index % len(shares)] += 1
        for worker, share in zip(workers, shares, strict=True):
            worker.amount = Decimal(share * 100)

    def schedule_matter(self, matter: _Matter) -> None:
        script = matter.script
        people = [*matter.workers, *matter.unpaid]
        if not script.from_inspection:
            # The representative's group complaint two working days before the opening,
            # the co-workers' own complaints in the days between.
            self.later(script.opened - 2, self.complain_root, matter, people[0])
            for offset, channel in enumerate(script.joined, start=1):
                day = script.opened - 2 + offset % 3
                self.later(day, self.complain_join, matter, people[offset], channel)
            self.later(script.opened, self.open_case, matter)
        first_later = len(script.joined) + 1
        for offset, channel in enumerate(script.later):
            day = script.opened + 1 + offset * 2
            worker = people[first_later + offset]
            self.later(day, self.complain_join, matter, worker, channel)
        self.later(script.opened + 1, self.add_claims, matter)
        self.later(script.order_day, self.issue_order, matter)
        batches = len(script.pay_days)
        for batch, day in enumerate(script.pay_days):
            chunk = matter.workers[batch::batches]
            self.later(day, self.pay, matter, chunk, batch)
        if script.close is not None:
            requested, closed = script.close
            self.later(requested, self.request_closing, matter)
            if closed is not None:
                self.later(closed, self.close_case, matter)

    def complain_root(self, matter: _Matter, worker: _Worker) -> None:
        day = self.days[matter.script.opened - 2]
        channel = matter.script.root
        matter.root = self.register(
            channel=channel,
            day=day,
            hour=9,
            minute=12,
            draft=self.worker_draft(worker, matter, group=True, channel=channel),
        )

    def complain_join(self, matter: _Matter, worker: _Worker, channel: str) -> None:
        index = self.days.index(self.today)
        complaint = self.register(
            channel=channel,
            day=self.today,
            hour=10 + index % 5,
            minute=(index * 7) % 60,
            draft=self.worker_draft(worker, matter, group=False, channel=channel),
        )
        if matter.case is None:
            matter.pending_joins.append(complaint)
            return
        # The matter is open: the intake officer joins it the next working day and answers.
        self.later(index + 1, self.join_running, matter, complaint, worker)

    def join_running(self, matter: _Matter, complaint: Complaint, worker: _Worker) -> None:
        assert matter.root is not None and matter.case is not None
        with clock.frozen_at(self.at(self.today, 9, 40)):
            complaint_join(
                complaint=complaint,
                matter=matter.root,
                note=f"同一用人单位、同一项目，并入{matter.case.number}办理",
                actor=self.staff["intake"],
            )
        with clock.frozen_at(self.at(self.today, 15, 20)):
            self.reply(
                complaint,
                f"您反映的问题已并入{matter.case.number}号案件办理，主办监察员将与您联系。",
            )

    def open_case(self, matter: _Matter) -> None:
        """Accept the group complaint, join the co-workers' to it, open the case the same
        day (若干规定 Art. 18) with the county's inspector as lead."""
        assert matter.root is not None
        intake, chief = self.staff["intake"], self.staff["chief"]
        with clock.frozen_at(self.at(self.today, 9, 5)):
            root = complaint_accept(complaint=matter.root, note="受理，当日立案", actor=intake)
            joined = [
                complaint_join(complaint=c, matter=root, note="同一项目，并案", actor=intake)
                for c in matter.pending_joins
            ]
        with clock.frozen_at(self.at(self.today, 10, 30)):
            matter.case = case_open(
                complaints=[root, *joined],
                respondent=matter.respondent,
                division=matter.project.division,
                lead=self.lead(matter),
                co_inspectors=[self.co(matter)],
                project=matter.project,
                summary=f"{matter.respondent.name}拖欠{matter.project.name}农民工工资",
                actor=chief,
            )
            case_transition(
                case=matter.case, target=CaseStatus.INVESTIGATING, actor=self.lead(matter)
            )
        with clock.frozen_at(self.at(self.today, 16, 10)):
            for complaint in [root, *joined]:
                self.reply(complaint, f"已受理并立案（{matter.case.number}），正在调查处理。")
        self.result.add("cases")

    def lead(self, matter: _Matter) -> User:
        return self.staff[COUNTY_INSPECTOR[matter.project.division_id]]

    def co(self, matter: _Matter) -> User:
        return self.staff[CITY_INSPECTORS[CASES.index(matter.script) % 3]]

    def add_claims(self, matter: _Matter) -> None:
        """The lead inspector lists every worker and verifies each one's wages."""
        case = matter.case
        assert case is not None
        lead = self.lead(matter)
        with clock.frozen_at(self.at(self.today, 14)):
            by_worker = {
                claim.worker.id_number_digest: claim
                for claim in case.claims.select_related("worker")
            }
            for worker in [*matter.workers, *matter.unpaid]:
                claim = self.claim_for(matter, worker, by_worker, lead)
                claim_update(
                    claim=claim,
                    verified=worker.amount,
                    verified_reason="按考勤表和工资表核定",
                    actor=lead,
                )

    def claim_for(
        self, matter: _Matter, worker: _Worker, by_worker: dict[str, Claim], lead: User
    ) -> Claim:
        digest = _digest(worker.id_number)
        if digest in by_worker:
            return by_worker[digest]
        assert matter.case is not None
        claim = claim_add(
            case=matter.case,
            name=worker.name,
            id_number=worker.id_number,
            phone=worker.phone,
            claimed=worker.amount,
            actor=lead,
        )
        by_worker[digest] = claim
        return claim

    def issue_order(self, matter: _Matter) -> None:
        case = matter.case
        assert case is not None
        due = add_working_days(self.today, ORDER_WORKING_DAYS, calendar=work_calendar()).date
        lead = self.lead(matter)
        with clock.frozen_at(self.at(self.today, 11)):
            case.refresh_from_db()
            case_transition(
                case=case,
                target=CaseStatus.ORDER_ISSUED,
                actor=lead,
                note="下达《劳动保障监察限期改正指令书》，责令限期支付拖欠工资",
                order_days=ORDER_WORKING_DAYS,
            )
            case = case_facts_for_respondent_set(
                case=case,
                text=f"经查，你单位在{matter.project.name}项目中拖欠农民工工资，至今未予支付。",
                actor=lead,
            )
            order = document_generate(case=case, kind=Document.Kind.ORDER, actor=lead)
        with clock.frozen_at(self.at(self.today, 11, 30)):
            # served on the respondent directly the same day: the due date runs from today
            service_record(
                document=order,
                details=ServiceDetails(
                    method=Service.Method.DIRECT,
                    served_on=self.today,
                    recipient_name=f"{matter.respondent.name}负责人",
                    recipient_role="法定代表人",
                ),
                actor=lead,
            )
        case.refresh_from_db()
        assert case.order_due == due

    def pay(self, matter: _Matter, workers: Sequence[_Worker], batch: int) -> None:
        case = matter.case
        assert case is not None
        payer_kind = (
            Payment.Payer.GENERAL_CONTRACTOR,
            Payment.Payer.EMPLOYER,
            Payment.Payer.BUILDER,
        )[(CASES.index(matter.script) + batch) % 3]
        role = {
            Payment.Payer.GENERAL_CONTRACTOR: ProjectParty.Role.GENERAL_CONTRACTOR,
            Payment.Payer.BUILDER: ProjectParty.Role.BUILDER,
        }.get(payer_kind)
        payer = self.payer(matter.project, role) if role else matter.respondent
        claims = {
            claim.worker.id_number_digest: claim
            for claim in case.claims.select_related("worker", "case")
        }
        number = CASES.index(matter.script) + 1
        with clock.frozen_at(self.at(self.today, 15)):
            for index, worker in enumerate(workers):
                payment_record(
                    claim=claims[_digest(worker.id_number)],
                    amount=worker.amount,
                    paid_on=self.today,
                    payer_kind=payer_kind,
                    payer=payer,
                    method="银行代发",
                    voucher=f"{self.today:%Y%m%d}-{number}-{batch + 1}-{index + 1:03d}",
                    actor=self.lead(matter),
                )
        self.result.add("payments", len(workers))

    def request_closing(self, matter: _Matter) -> None:
        assert matter.case is not None
        with clock.frozen_at(self.at(self.today, 10)):
            matter.case.refresh_from_db()
            case_transition(
                case=matter.case,
                target=CaseStatus.CLOSING_REQUESTED,
                actor=self.lead(matter),
                note="工资已全部支付到位，申请结案",
            )

    def close_case(self, matter: _Matter) -> None:
        assert matter.case is not None
        with clock.frozen_at(self.at(self.today, 16)):
            matter.case.refresh_from_db()
            case_transition(
                case=matter.case,
                target=CaseStatus.CLOSED,
                actor=self.staff["chief"],
                note="经核查，拖欠工资已全部清偿",
                outcome=CaseOutcome.PAID_IN_FULL,
            )

    # --- the decision procedure: the season's late payers --------------------------------------
    #
    # Two cases pay their second batch after the order's date. The sixth (order on day
    # 19, due day 29, paid day 34) is told of the intended extra compensation (50 %) on
    # day 30, waives its defence in writing the next day and gets the handling decision,
    # and pays the compensation with the late wages on day 34, before it closes as paid
    # in full. The seventh (order on day 23, due day 33, paid day 39) is told on day 34
    # of the compensation and of a fine for not carrying out the order (监察条例 Art. 30),
    # defends itself, is answered, and on day 40 gets both decisions. No figure of the
    # seed moves: compensation is not wages, and the cases close as before.

    def plan_decisions(self) -> None:
        late_waiving, late_defending = self.matters[5], self.matters[6]
        self.later(30, self.notice, late_waiving, False)
        self.later(31, self.waive_and_decide, late_waiving)
        self.later(34, self.pay_compensation, late_waiving)
        self.later(34, self.notice, late_defending, True)
        self.later(36, self.defend, late_defending)
        self.later(38, self.answer, late_defending)
        self.agenda.setdefault(40, []).insert(0, functools.partial(self.decide, late_defending))

    def notice(self, matter: _Matter, fine: bool) -> None:
        assert matter.case is not None
        lead = self.lead(matter)
        with clock.frozen_at(self.at(self.today, 10)):
            matter.case.refresh_from_db()
            proceeding = proceeding_start(
                case=matter.case,
                rate=Decimal("0.50"),
                rate_reason="逾期未支付，经催促后已部分支付，按下限加付",
                fine_key="inspection_30" if fine else "",
                fine_amount=Decimal(5000) if fine else None,
                actor=lead,
            )
        with clock.frozen_at(self.at(self.today, 14)):
            self.serve(matter, proceeding.notice)

    def serve(self, matter: _Matter, document: Document) -> None:
        service_record(
            document=document,
            details=ServiceDetails(
                method=Service.Method.DIRECT,
                served_on=self.today,
                recipient_name=f"{matter.respondent.name}负责人",
                recipient_role="法定代表人",
            ),
            actor=self.lead(matter),
        )

    def live(self, matter: _Matter) -> Any:
        assert matter.case is not None
        proceeding = proceeding_live(case=matter.case)
        assert proceeding is not None
        return proceeding

    def waive_and_decide(self, matter: _Matter) -> None:
        with clock.frozen_at(self.at(self.today, 9, 30)):
            proceeding_waiver_record(
                proceeding=self.live(matter),
                waived_on=self.today,
                note="法定代表人签署《放弃陈述申辩权利声明》",
                actor=self.lead(matter),
            )
        self.decide(matter)

    def defend(self, matter: _Matter) -> None:
        with clock.frozen_at(self.at(self.today, 10)):
            proceeding_defence_record(
                proceeding=self.live(matter),
                statement="建设单位拨付工程款滞后，请求免予加付赔偿金和罚款",
                received_on=self.today,
                actor=self.lead(matter),
            )

    def answer(self, matter: _Matter) -> None:
        with clock.frozen_at(self.at(self.today, 10)):
            proceeding_defence_answer(
                proceeding=self.live(matter),
                adopted=False,
                reasons="工程款拨付滞后不是拖欠农民工工资的法定理由（《保障农民工工资支付条例》"
                "第三十条），且未提供证据",
                actor=self.lead(matter),
            )

    def decide(self, matter: _Matter) -> None:
        with clock.frozen_at(self.at(self.today, 9)):
            proceeding = proceeding_decide(proceeding=self.live(matter), actor=self.staff["chief"])
        with clock.frozen_at(self.at(self.today, 11)):
            for document in (proceeding.decision, proceeding.penalty_decision):
                if document is not None:
                    self.serve(matter, document)
        self.result.add("decisions", 1)

    def pay_compensation(self, matter: _Matter) -> None:
        assert matter.case is not None
        with clock.frozen_at(self.at(self.today, 16)):
            for compensation in Compensation.objects.filter(claim__case=matter.case).order_by("id"):
                compensation_payment_record(
                    compensation=compensation,
                    amount=compensation.amount,
                    paid_on=self.today,
                    method="银行代发",
                    voucher=f"{self.today:%Y%m%d}-赔偿-{compensation.pk}",
                    actor=self.lead(matter),
                )

    # --- callbacks (回访, issue 13) ----------------------------------------------------------

    def callbacks_answered(self) -> None:
        """Late on the season's last day the workers of the closed cases answer their
        callback: most by the link texted to them, the third by a call the intake officer
        logs (basically satisfied). Only the callback figures move; no seed figure does."""
        callbacks = Callback.objects.filter(answered_at=None).order_by("sent_at", "id")
        with clock.frozen_at(self.at(self.days[-1], 23, 30)):
            for number, callback in enumerate(callbacks):
                by_call = number % 3 == 2
                callback_answer(
                    callback=callback,
                    money_received=True,
                    satisfaction="basic" if by_call else "satisfied",
                    note="电话回访：工资已到账" if by_call else "",
                    actor=self.staff["intake"] if by_call else None,
                )
                self.result.add("callbacks_answered")

    # --- complaints that are not cases -------------------------------------------------------

    def plan_other_complaints(self) -> None:
        """The rest of the intake: questions for other bodies, old matters, far-away
        employers, anonymous reports without an employer. Enough hotline work orders and
        transfer orders are answered that, with the cases', the season's replies are 65
        and 22; the last few arrive in the season's last two days and wait."""
        hotline_in_cases = sum(
            (s.root in (H, H3)) + sum(c in (H, H3) for c in (*s.joined, *s.later)) for s in CASES
        )
        platform_in_cases = sum(
            (s.root == N) + sum(c == N for c in (*s.joined, *s.later)) for s in CASES
        )
        plan: list[tuple[str, bool]] = [(H, True)] * (65 - hotline_in_cases - 12)
        plan += [(H3, True)] * 12
        plan += [(N, True)] * (22 - platform_in_cases)
        plan += [(W, False)] * 9 + [(K, False)] * 7 + [("letter", False)] * 2
        self.rng.shuffle(plan)
        # Three 12345 orders end the way most do: the employer pays after the bureau's call
        # (协调解决), no case. They take the place of three orders that were passed to the
        # housing bureau; each is answered all the same, so the replies stay 65 and 22.
        self.settled_numbers = {
            number
            for number, (channel, _reply) in enumerate(plan)
            if channel == H and number % 6 == SETTLED_KIND_INDEX
        }
        self.settled_numbers = set(sorted(self.settled_numbers)[:3])
        last = len(self.days) - 3  # triage takes up to two working days; the reply follows
        for number, (channel, _reply) in enumerate(plan):
            day = 1 + number * (last - 1) // len(plan)
            self.later(day, self.other_complaint, channel, number)
        # Waiting at the end: received on the last two days, inside their deadlines.
        for day, channel in ((40, H), (41, H), (41, H3), (41, N)):
            self.later(day, self.waiting_complaint, channel)

    def other_draft(self, channel: str, number: int) -> tuple[ComplaintDraft, str]:
        county = self.rng.choice(COUNTIES)
        worker = self.worker(county)
        kinds = (
            "refer_dispute",
            "refer_area",
            "too_old",
            "not_remit",
            "refer_housing",
            "no_employer",
        )
        kind = kinds[number % len(kinds)]
        if channel == H and number in self.settled_numbers:
            kind = "settle"
        employer = f"{self.fake.company_prefix()}建筑劳务有限公司"
        if kind == "refer_area":
            employer = f"吉林市{employer}"
        amount = Decimal(self.rng.randrange(30, 400) * 100)
        texts = {
            "refer_dispute": f"市民来电反映：其与{employer}因解除劳动合同的经济补偿发生争议。",
            "refer_area": f"市民来电反映：其在吉林市{employer}承建项目务工，被拖欠工资{amount}元。",
            "too_old": f"市民反映：2017年在{employer}务工，被拖欠工资{amount}元至今未付。",
            "not_remit": f"市民来电咨询：{employer}未为其缴纳社会保险，询问如何补缴。",
            "refer_housing": f"市民反映：{employer}承建的工地夜间扰民，并拖欠班组工程款。",
            "no_employer": "匿名反映：某工地老板拖欠工人工资，具体单位不详。",
            "settle": f"市民来电反映：在{employer}承建的工地务工，被拖欠工资{amount}元，"
            "多次讨要未果。",
        }
        anonymous = kind == "no_employer" and channel in (W, H)
        draft = ComplaintDraft(
            kind="report" if anonymous else "complaint",
            anonymous=anonymous,
            name="" if anonymous else worker.name,
            phone=worker.phone,
            employer_name="" if kind == "no_employer" else employer,
            division_code=county,
            amount=None if kind in ("not_remit", "no_employer") else amount,
            narrative=texts[kind],
        )
        return draft, kind

    def other_complaint(self, channel: str, number: int) -> None:
        draft, kind = self.other_draft(channel, number)
        index = self.days.index(self.today)
        complaint = self.register(
            channel=channel,
            day=self.today,
            hour=8 + number % 9,
            minute=(number * 13) % 60,
            draft=draft,
        )
        self.later(index + 1 + number % 2, self.triage, complaint, kind)

    def triage(self, complaint: Complaint, kind: str) -> None:
        intake = self.staff["intake2" if complaint.channel == H3 else "intake"]
        index = self.days.index(self.today)
        with clock.frozen_at(self.at(self.today, 11, index % 50)):
            if kind == "refer_dispute":
                complaint_refer(
                    complaint=complaint,
                    referred_to=REFERRALS[0],
                    note="属劳动争议，告知申请仲裁",
                    actor=intake,
                )
                text = "经核实，您反映的问题属劳动争议，请向辽源市劳动人事争议仲裁院申请仲裁。"
            elif kind == "refer_area":
                complaint_refer(
                    complaint=complaint,
                    referred_to=REFERRALS[1],
                    note="用工地在吉林市",
                    actor=intake,
                )
                text = "用工地不在我市，已告知向吉林市人社部门投诉。"
            elif kind == "too_old":
                complaint_decline(
                    complaint=complaint, reason=NotAcceptedReason.TOO_OLD, actor=intake
                )
                text = "您反映的违法行为已超过两年，劳动保障监察不再查处，可向人民法院起诉。"
            elif kind == "not_remit":
                complaint_decline(
                    complaint=complaint, reason=NotAcceptedReason.NOT_REMIT, actor=intake
                )
                text = "社会保险缴费问题请向社会保险经办机构反映，已告知办理渠道。"
            elif kind == "refer_housing":
                complaint_refer(
                    complaint=complaint,
                    referred_to=REFERRALS[2],
                    note="施工扰民及工程款属住建部门",
                    actor=intake,
                )
                text = "已转市住房和城乡建设局处理；如有农民工工资拖欠请提供具体人员信息。"
            elif kind == "settle":
                text = self.settle(complaint, intake)
            else:
                complaint_request_material(
                    complaint=complaint, note="请补充用人单位名称和工地地址", actor=intake
                )
                self.later(index + 2, self.decline_no_employer, complaint)
                text = "请补充用人单位名称和工地地址，以便核查。"
        with clock.frozen_at(self.at(self.today, 16, index % 50)):
            self.reply(complaint, text)

    def settle(self, complaint: Complaint, intake: User) -> str:
        """The officer calls the employer, who pays the worker the same day; the worker
        confirms on the phone. Settled without a case: counted in complaints_settled and
        amount_settled, never in the cases' money."""
        assert complaint.amount_claimed is not None
        complaint_settle(
            complaint=complaint,
            contacted=f"{complaint.employer_name}项目负责人（电话）",
            contacted_on=self.today,
            agreed="当日结清所欠工资",
            lines=[
                SettlementLine(
                    payee=complaint.contact_name,
                    amount=complaint.amount_claimed,
                    paid_on=self.today,
                )
            ],
            proof=SimpleUploadedFile("转账凭证.png", _transfer_slip(), "image/png"),
            worker_confirmed=True,
            confirmation_note="电话回访，投诉人确认已到账",
            actor=intake,
        )
        self.result.add("complaints_settled")
        return f"经协调，用人单位已当日支付所欠工资{complaint.amount_claimed}元，投诉人确认到账。"

    def decline_no_employer(self, complaint: Complaint) -> None:
        with clock.frozen_at(self.at(self.today, 10)):
            complaint.refresh_from_db()
            complaint_decline(
                complaint=complaint,
                reason=NotAcceptedReason.NO_EMPLOYER,
                note="补正期间未能提供用人单位信息",
                actor=self.staff["intake"],
            )

    def waiting_complaint(self, channel: str) -> None:
        draft, _kind = self.other_draft(channel, 0)
        self.register(channel=channel, day=self.today, hour=14, minute=30, draft=draft)
        self.result.add("complaints_waiting")

    # --- inspections -------------------------------------------------------------------------

    def plan_inspections(self) -> None:
        for number, script in enumerate(INSPECTIONS):
            self.later(script.day, self.inspect, script, number)

    def team(self, project: Project, number: int) -> list[User]:
        return [
            self.staff[COUNTY_INSPECTOR[project.division_id]],
            self.staff[CITY_INSPECTORS[number % 3]],
        ]

    def inspect(self, script: InspectionScript, number: int) -> None:
        project = self.projects[script.project]
        team = self.team(project, number)
        checks = dict.fromkeys(CheckItem.values, (CheckResult.OK, ""))
        if project.parties.filter(role=ProjectParty.Role.SUBCONTRACTOR).count() == 0:
            checks[CheckItem.PAY_ON_BEHALF] = (CheckResult.NOT_APPLICABLE, "")
        notes: dict[str, str] = {
            CheckItem.INFORMATION_BOARD: "施工现场未设置维权信息告示牌",
            CheckItem.REAL_NAME: "部分班组人员未录入实名制管理系统",
            CheckItem.MONTHLY_PAY: "分包单位拖欠40名农民工2020年9月至12月工资",
            CheckItem.PAYROLL_LEDGER: "工资支付台账未按月更新",
            CheckItem.WAGE_ACCOUNT: "未按规定开设农民工工资专用账户",
            CheckItem.PAY_ON_BEHALF: "总包单位未代发分包单位农民工工资",
            CheckItem.WAGE_DEPOSIT: "未存储工资保证金",
        }
        if script.violation:
            checks[script.violation] = (CheckResult.VIOLATION, notes[script.violation])
        campaign = self.campaign if self.today <= self.campaign.ends_on else None
        with clock.frozen_at(self.at(self.today, 9, 30)):
            inspection = inspection_record(
                project=project,
                inspectors=team,
                done_on=self.today,
                checks=checks,
                campaign=campaign,
                place="施工现场及项目部",
                summary="检查劳动合同、实名制、工资专用账户、总包代发、保证金、告示牌、工资台账",
                actor=team[0],
                idempotency_key=f"{NAME}:inspection:{number}",
            ).inspection
        self.result.add("inspections")
        if not script.violation:
            return
        finding = inspection.findings.get()
        with clock.frozen_at(self.at(self.today, 11, 15)):
            if script.fate == "spot":
                payments: list[SpotPaymentLine] = []
                if script.violation == CheckItem.PAY_ON_BEHALF:
                    payments = [
                        SpotPaymentLine(self.fake.name(), Decimal(self.rng.randrange(30, 60) * 100))
                        for _ in range(3)
                    ]
                finding_correct_on_spot(
                    finding=finding,
                    payments=payments,
                    note="现场责令整改，已当场纠正",
                    actor=team[0],
                )
            elif script.fate in ("deadline", "open"):
                finding_deadline_set(
                    finding=finding,
                    working_days=5 if script.fate == "open" else 8,
                    note="限期整改",
                    actor=team[0],
                )
                if script.corrected:
                    self.later(script.corrected, self.corrected, finding, team[0])
            elif script.fate == "case":
                self.findings[script.project] = finding
                self.later(script.day + 1, self.finding_case, finding)

    def corrected(self, finding: Finding, inspector: User) -> None:
        with clock.frozen_at(self.at(self.today, 14, 20)):
            finding.refresh_from_db()
            finding_corrected(finding=finding, note="复查确认已整改到位", actor=inspector)

    def finding_case(self, finding: Finding) -> None:
        """The chief turns the unpaid-wages finding into a case (channel inspection)."""
        matter = next(m for m in self.matters if m.script.from_inspection)
        with clock.frozen_at(self.at(self.today, 10, 30)):
            matter.case = finding_to_case(
                finding=finding,
                actor=self.staff["chief"],
                lead=self.lead(matter),
                summary=f"检查发现{matter.respondent.name}拖欠{matter.project.name}农民工工资",
            )
            matter.root = matter.case.complaints.get()
            case_transition(
                case=matter.case, target=CaseStatus.INVESTIGATING, actor=self.lead(matter)
            )
        self.result.add("cases")

    # --- the return-to-work service ---------------------------------------------------------

    def plan_employment(self) -> None:
        for day, places, partner, count, prefix in IMPORTS:
            self.later(day, self.import_postings, places, partner, count, prefix)
        for day in SURVEY_DAYS:
            self.later(day, self.survey, day)
        for day in (20, 32, 37):
            self.later(day, self.push)
        for day in range(9, 42, 5):
            self.later(day, self.pair)
        for day in range(10, 42):
            self.later(day, self.contacts, day)
        self.later(33, self.introduce)
        self.later(35, self.hire)
        self.later(36, self.plan_buses)
        for destination, date in BUS_DATES.items():
            index = self.days.index(date)
            self.later(index, self.bus_day, destination)

    def posting_employers(self, places: Sequence[str], prefix: str) -> list[tuple[str, str]]:
        divisions = dict(Division.objects.filter(code__in=places).values_list("code", "name"))
        employers: list[tuple[str, str]] = []
        for index in range(30):
            place = places[index % len(places)]
            city = divisions[place].removesuffix("省")
            trade = EMPLOYER_TRADES[index % len(EMPLOYER_TRADES)]
            name = f"{city}{self.fake.company_prefix()}{trade}有限公司"
            if any(name == known for known, _code in employers):
                name = f"{city}{self.fake.company_prefix()}{prefix}{trade}有限公司"
            employers.append((name, fake_credit_code(self.rng, division=place[:6])))
        return employers

    def import_postings(self, places: Sequence[str], partner: str, count: int, prefix: str) -> None:
        officer = self.staff["employment"]
        employers = self.posting_employers(places, prefix)
        rows: list[PostingInput] = []
        for index in range(count):
            place = places[index % len(places)]
            employer, code = employers[index % len(employers)]
            occupation = POSTING_OCCUPATIONS[index % len(POSTING_OCCUPATIONS)]
            title = self.rng.choice(POSTING_TITLES[occupation])
            pay_min = Decimal(self.rng.randrange(35, 66) * 100)
            rows.append(
                PostingInput(
                    employer_name=employer,
                    employer_credit_code=code,
                    employer_profile=f"{employer}，民营企业，长期用工",
                    title=title,
                    occupation_code=occupation,
                    headcount=self.rng.randrange(2, 41),
                    requirements="年满18周岁，身体健康，能吃苦耐劳，有相关经验者优先",
                    work_content=f"从事{title}相关工作，服从班组安排，按月发放工资",
                    place_code=place,
                    address=f"{self.fake.street_name()}{self.rng.randrange(1, 300)}号",
                    pay_min=pay_min,
                    pay_max=pay_min + Decimal(self.rng.randrange(5, 25) * 100),
                    contact=f"电话{_fake_mobile(self.rng)}",
                    expires_on=self.today + dt.timedelta(days=90),
                    starts_on=self.today + dt.timedelta(days=self.rng.randrange(7, 40)),
                    partner_region=partner,
                    source=Posting.Source.REPOST if partner else Posting.Source.EMPLOYER,
                    source_name=f"{partner}公共就业服务机构" if partner else "",
                    reference=f"{prefix}2021-{index + 1:05d}",
                )
            )
        if prefix == "BC":  # the two postings the first buses go to
            for destination, date in BUS_DATES.items():
                rows[0 if destination == DALIAN else 1] = self.bus_posting(destination, date)
        with clock.frozen_at(self.at(self.today, 13, 30)):
            result = postings_import_rows(
                rows=rows, lines=list(range(2, len(rows) + 2)), actor=officer
            )
        assert result.failed == 0, result.failures[:5]
        self.result.add("postings", result.created)
        references = [row.reference for row in rows[:PUBLISH_PER_IMPORT]]
        postings = (
            Posting.objects.filter(reference__in=references)
            .select_related("employer")
            .order_by("reference")
        )
        with clock.frozen_at(self.at(self.today, 16, 45)):
            for posting in postings_publish(postings=list(postings), actor=officer):
                if posting.reference in {"BC2021-BUS-" + DALIAN, "BC2021-BUS-" + SHANDONG}:
                    self.bus_postings[posting.reference.rsplit("-", 1)[1]] = posting
        self.progress(
            f"{self.today}: {result.created} postings imported from {partner or '辽源市'}"
        )

    def bus_posting(self, destination: str, date: dt.date) -> PostingInput:
        place = "大连市" if destination == DALIAN else "山东省"
        employer = (
            "大连金港建设集团有限公司" if destination == DALIAN else "青岛海晟建工集团有限公司"
        )
        return PostingInput(
            employer_name=employer,
            employer_credit_code=fake_credit_code(self.rng, division=destination),
            employer_profile=f"{employer}，{place}劳务协作对接企业",
            title="建筑工地钢筋工、木工（劳务协作专场）",
            occupation_code="6-29",
            headcount=40 if destination == DALIAN else 30,
            requirements="年满18周岁，身体健康，持有效身份证件",
            work_content="房建项目主体施工，包吃住，工资按月足额发放至本人账户",
            place_code=destination,
            address=f"{place}项目部",
            pay_min=Decimal(6000),
            pay_max=Decimal(8000),
            contact="辽源市就业服务局劳务输出专班",
            expires_on=self.today + dt.timedelta(days=60),
            starts_on=date,
            partner_region="辽宁省大连市" if destination == DALIAN else "山东省",
            source=Posting.Source.PUBLIC,
            reference=f"BC2021-BUS-{destination}",
        )

    def seeker_input(self, county: str, *, bus: str = "") -> SeekerInput:
        worker = self.worker(county)
        roll = self.rng.random()
        going_out = bool(bus) or roll < 0.86
        occupations = (
            ["6-29"] if bus else self.rng.sample(list(POSTING_TITLES), self.rng.randint(1, 2))
        )
        destinations = (
            [bus]
            if bus
            else self.rng.sample(
                [DALIAN, SHANDONG, "220100", "320500", "110000", "220400"], self.rng.randint(0, 2)
            )
        )
        earliest = (
            BUS_DATES[bus]
            if bus
            else dt.date(2021, 2, 20) + dt.timedelta(days=self.rng.randrange(30))
        )
        channel = (
            ContactChannel.PHONE if self.rng.random() < 0.1 and not bus else ContactChannel.SMS
        )
        return SeekerInput(
            name=worker.name,
            id_number=worker.id_number,
            division_code=county,
            township=self.rng.choice(TOWNSHIPS[county]),
            phone=worker.phone,
            village=f"{self.fake.last_name()}家村",
            going_out=going_out,
            occupation_codes=occupations if going_out else [],
            destination_codes=destinations if going_out else [],
            wage_expected=Decimal(5000) if bus else Decimal(self.rng.randrange(35, 70) * 100),
            earliest=earliest if going_out else None,
            latest=earliest + dt.timedelta(days=0 if bus else 20) if going_out else None,
            transport_needed=bool(bus) or (going_out and self.rng.random() < 0.3),
            contact_consent=bool(bus) or self.rng.random() < 0.8,
            contact_channel=channel,
            training_need="" if self.rng.random() < 0.8 else "建筑施工技能培训",
        )

    def survey(self, day: int) -> None:
        officer = self.staff[OFFICERS[day % len(OFFICERS)]]
        count = SURVEY_PER_DAY + self.rng.randrange(-6, 7)
        bus_day = 20 <= day < 31
        entries: list[tuple[SeekerInput, str, Actor]] = []
        buses: list[str] = []
        seated = {destination: len(seekers) for destination, seekers in self.bus_seekers.items()}
        for number in range(count):
            county = COUNTIES[(day + number) % len(COUNTIES)]
            bus = ""
            if bus_day and number < 6:
                bus = DALIAN if seated[DALIAN] < 36 else SHANDONG
                if seated[SHANDONG] >= 26:
                    bus = ""
            if bus:
                seated[bus] += 1
            source = Seeker.Source.SELF if number % 3 == 0 else Seeker.Source.STAFF
            actor = None if source == Seeker.Source.SELF else officer
            entries.append((self.seeker_input(county, bus=bus), source, actor))
            buses.append(bus)
        with clock.frozen_at(self.at(self.today, 10)):
            seekers = seekers_register(entries=entries)
        for bus, seeker in zip(buses, seekers, strict=True):
            if bus:
                self.bus_seekers[bus].append(seeker)
        self.result.add("seekers", count)

    def push(self) -> None:
        with clock.frozen_at(self.at(self.today, 9, 45)):
            report = push_send(
                seekers=Seeker.objects.all(), today=self.today, actor=self.staff["employment"]
            )
        self.result.add("pushes", report.sent)
        self.progress(f"{self.today}: job messages queued for {report.sent} workers")

    def pair(self) -> None:
        officers = [self.staff[name] for name in OFFICERS]
        with clock.frozen_at(self.at(self.today, 8, 50)):
            result = pairings_balance(
                seekers=Seeker.objects.all(), officers=officers, actor=self.staff["employment"]
            )
        self.result.add("pairings", result.assigned)

    def contacts(self, day: int) -> None:
        from qingling.employment.models import Contact, Pairing

        pairings = list(
            Pairing.objects.filter(ended_on__isnull=True)
            .select_related("seeker", "officer")
            .order_by("officer__username", "seeker__registered_on", "id")
        )
        if not pairings:
            return
        start = (day * 5) % len(pairings)
        with clock.frozen_at(self.at(self.today, 14, 30)):
            for pairing in pairings[start : start + 5]:
                contact_record(
                    seeker=pairing.seeker,
                    officer=pairing.officer,
                    kind=Contact.Kind.PHONE,
                    note="电话回访，了解外出意向和出行时间",
                    contacted_on=self.today,
                    actor=pairing.officer,
                )
        self.result.add("contacts", len(pairings[start : start + 5]))

    def introduce(self) -> None:
        officer = self.staff["employment"]
        with clock.frozen_at(self.at(self.today, 10, 15)):
            for destination, seekers in self.bus_seekers.items():
                posting = self.bus_postings[destination]
                for seeker in seekers:
                    introduction_create(seeker=seeker, posting=posting, actor=officer)
        self.result.add("introductions", sum(len(s) for s in self.bus_seekers.values()))

    def hire(self) -> None:
        from qingling.employment.models import Introduction

        with clock.frozen_at(self.at(self.today, 15, 40)):
            for introduction in (
                Introduction.objects.filter(posting__in=list(self.bus_postings.values()))
                .select_related("seeker", "posting__employer", "posting__place")
                .order_by("id")
            ):
                introduction_decide(
                    introduction=introduction,
                    to=Introduction.Status.HIRED,
                    actor=self.staff["employment"],
                )

    def plan_buses(self) -> None:
        with clock.frozen_at(self.at(self.today, 16)):
            for destination in (DALIAN, SHANDONG):
                result = trips_plan(
                    destination=Division.objects.get(code=destination),
                    seats=SEATS,
                    origin="辽源市长途客运站",
                    time_limit=10.0,
                    actor=self.staff["employment"],
                )
                assert len(result.trips) == 1 and not result.unplannable, result

    def bus_day(self, destination: str) -> None:
        trip = Trip.objects.get(destination_id=destination, date=self.today)
        seats = list(trip.seat_rows.order_by("number"))
        officer = self.staff["employment2"]
        for number, seat in enumerate(seats[: BUS_BOARDED[destination]]):
            with clock.frozen_at(self.at(self.today, 6, 10 + number // 2)):
                trip_seat_board(seat=seat, actor=officer)
        with clock.frozen_at(self.at(self.today, 7, 0)):
            trip_transition(trip=trip, to=Trip.Status.DEPARTED, actor=officer)
        with clock.frozen_at(self.at(self.today, 19, 30)):
            trip.refresh_from_db()
            trip_transition(
                trip=trip,
                to=Trip.Status.ARRIVED,
                actor=officer,
                received_by=BUS_RECEIVED_BY[destination],
            )
        self.result.add("transported", BUS_BOARDED[destination])
        self.progress(
            f"{self.today}: bus {trip.number} to {trip.destination.name}, "
            f"{BUS_BOARDED[destination]} aboard"
        )

    # --- the days ---------------------------------------------------------------------------

    def worker_jobs(self) -> None:
        """What the worker command does each day, at the end of it."""
        with clock.frozen_at(self.at(self.today, 23, 0)):
            complaint_escalate_overdue(today=self.today)
            scan = case_deadlines_scan(today=self.today)
            proceeding_clocks_scan(today=self.today)
            finding_overdue_scan(today=self.today)
            postings_expire_due(today=self.today)
        self.result.add("deadline_warnings", scan["warned"])

    def run(self) -> SeasonResult:
        self.build_city()
        self.plan_matters()
        self.plan_decisions()
        self.plan_other_complaints()
        self.plan_inspections()
        self.plan_employment()
        plan_monitoring(self)
        for index, day in enumerate(self.days):
            self.today = day
            done = 0
            while self.agenda.get(index):
                action = self.agenda[index].pop(0)
                action()
                done += 1
            self.worker_jobs()
            self.progress(f"{day} {'一二三四五六日'[day.weekday()]}: {done} events")
        self.callbacks_answered()
        self.result.last_day = self.today
        late = sorted(i for i, actions in self.agenda.items() if actions and i >= len(self.days))
        self.result.add("left_for_after_the_season", sum(len(self.agenda[i]) for i in late))
        return self.result

    today: dt.date
    campaign: Campaign


def season_replay(*, seed: int = 2021, progress: Progress | None = None) -> SeasonResult:
    """Build the city and replay the season into an empty database (see the module doc)."""
    season = _Season(seed=seed, progress=progress or (lambda _line: None))
    return season.run()


def _digest(id_number: str) -> str:
    return blind_index(normalize_id_number(id_number), purpose="id_number")


# --- monitoring (issue 16): December 2020's files and the warnings they raise ----------------
#
# The provincial platform sends December 2020's project, roster, attendance, payroll and
# labour-cost files on the season's second working day; four projects' data raise
# warnings that the county acknowledges and dispatches to the inspections the season
# already makes (the unpaid wages of project 3, the wage account of project 7, the pay on
# behalf of project 9), and one is dismissed. Everything here draws on its own
# random.Random, never the season's, and adds no complaint, case, inspection or payment,
# so the seed's figures are unchanged.

MONITORING_MONTH = "2020-12"
MONITORING_WORKERS = 6  # per project
# project index → what its December data shows
MONITORING_UNPAID = 3  # three of six workers present and unpaid (WORKER_UNPAID, share red)
MONITORING_NO_ACCOUNT = 7  # paid, but not through the wage account (PROJECT_NO_PAYROLL)
MONITORING_OFF_ROSTER = 9  # two workers paid who are not on the roster (NOT_ON_ROSTER)
MONITORING_NO_LABOUR_COST = 12  # no labour cost transferred (NO_LABOUR_COST), dismissed


def monitoring_project_code(index: int) -> str:
    return f"LY2021-P{index:02d}"


def _monitoring_files(season: _Season, folder: Any) -> None:
    """December 2020's five CSV files for the season's projects."""

    from qingling.prevention.monitoring.rules import TABLES

    rng = random.Random(16_2020)
    days = [dt.date(2020, 12, d) for d in range(1, 32) if dt.date(2020, 12, d).weekday() < 5]
    rows: dict[str, list[list[str]]] = {table: [] for table in TABLES}
    used: set[str] = set()

    def worker(division: str) -> str:
        while (number := fake_id_number(rng, division=division)) in used or (
            number in season.used_ids
        ):
            pass
        used.add(number)
        return number

    for index, project in enumerate(season.projects):
        code = monitoring_project_code(index)
        rows["projects"].append([code, project.name, project.division_id, "", "", "2020-05-01", ""])
        for n in range(MONITORING_WORKERS):
            number = worker(project.division_id)
            rows["roster"].append([code, number, "", "2020-10-01", ""])
            rows["attendance"].extend([code, number, day.isoformat()] for day in days)
            if index == MONITORING_UNPAID and n % 2:
                continue  # present all month, not paid
            via = "0" if index == MONITORING_NO_ACCOUNT else "1"
            rows["payroll"].append([code, number, MONITORING_MONTH, "4200.00", "2021-01-12", via])
        if index == MONITORING_OFF_ROSTER:
            for _n in range(2):
                rows["payroll"].append(
                    [
                        code,
                        worker(project.division_id),
                        MONITORING_MONTH,
                        "3800.00",
                        "2021-01-12",
                        "1",
                    ]
                )
        if index != MONITORING_NO_LABOUR_COST:
            rows["labour_cost"].append([code, MONITORING_MONTH, "200000.00", "2021-01-08"])
    for table, columns in TABLES.items():
        with (folder / f"{table}.csv").open("w", encoding="utf-8", newline="") as handle:
            machine_csv_write(handle, [name for name, _kind in columns], rows[table])


def _monitoring_receive(season: _Season) -> None:
    """The platform's month arrives (as through the API: a system, actor None)."""
    import io
    import tempfile
    import zipfile
    from pathlib import Path

    from qingling.parties.services import project_code_set
    from qingling.prevention.services import monitoring_month_import

    with clock.frozen_at(season.at(season.today, 8, 40)):
        for index, project in enumerate(season.projects):
            project_code_set(project=project, code=monitoring_project_code(index), actor=None)
        with tempfile.TemporaryDirectory() as scratch:
            _monitoring_files(season, Path(scratch))
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as archive:
                for path in sorted(Path(scratch).iterdir()):
                    archive.write(path, path.name)
        outcome = monitoring_month_import(
            content=buffer.getvalue(), actor=None, month=MONITORING_MONTH
        )
    season.result.add("monitoring_warnings", outcome.created)
    season.progress(f"{season.today}: monitoring {MONITORING_MONTH}, {outcome.created} warnings")


def _monitoring_warnings(season: _Season, index: int) -> list[Any]:
    from qingling.prevention.models import Warning

    return list(
        Warning.objects.filter(
            month=MONITORING_MONTH, project_code=monitoring_project_code(index)
        ).order_by("rule", "worker_key")
    )


def _monitoring_inspector(season: _Season, index: int) -> User:
    return season.staff[COUNTY_INSPECTOR[season.projects[index].division_id]]


def _monitoring_acknowledge(season: _Season) -> None:
    from qingling.prevention.services import warning_acknowledge, warning_dismiss

    with clock.frozen_at(season.at(season.today, 15, 10)):
        for index in (MONITORING_UNPAID, MONITORING_NO_ACCOUNT, MONITORING_OFF_ROSTER):
            for warning in _monitoring_warnings(season, index):
                warning_acknowledge(warning=warning, actor=_monitoring_inspector(season, index))
        for warning in _monitoring_warnings(season, MONITORING_NO_LABOUR_COST):
            warning_dismiss(
                warning=warning,
                reason="人工费已于2021年1月8日拨付，银行数据未同步",
                actor=_monitoring_inspector(season, MONITORING_NO_LABOUR_COST),
            )


def _monitoring_dispatch(season: _Season, index: int, number: int, resolve: str) -> None:
    """Dispatch the project's warnings to the inspection the season just recorded."""
    from qingling.inspections.models import Inspection
    from qingling.prevention.services import warning_dispatch, warning_resolve

    inspection = Inspection.objects.get(idempotency_key=f"{NAME}:inspection:{number}")
    inspector = _monitoring_inspector(season, index)
    with clock.frozen_at(season.at(season.today, 16, 30)):
        for warning in _monitoring_warnings(season, index):
            warning_dispatch(
                warning=warning, to="inspection", inspection=inspection, actor=inspector
            )
            if resolve:
                warning_resolve(warning=warning, note=resolve, actor=inspector)


def _monitoring_resolve(season: _Season, index: int, note: str) -> None:
    from qingling.prevention.services import warning_resolve

    with clock.frozen_at(season.at(season.today, 16, 40)):
        for warning in _monitoring_warnings(season, index):
            warning_resolve(warning=warning, note=note, actor=_monitoring_inspector(season, index))


def plan_monitoring(season: _Season) -> None:
    """Put the month's arrival and the warnings' steps on the season's agenda: after the
    inspection of the same day, which ``plan_inspections`` scheduled first."""
    season.later(1, _monitoring_receive, season)
    season.later(1, _registry_fill, season)
    season.later(1, _monitoring_acknowledge, season)
    first_visit: dict[int, tuple[int, InspectionScript]] = {}
    for number, script in enumerate(INSPECTIONS):
        first_visit.setdefault(script.project, (number, script))
    for index, resolve in (
        (MONITORING_UNPAID, ""),  # the finding became a case: the warning stays dispatched
        (MONITORING_NO_ACCOUNT, ""),
        (MONITORING_OFF_ROSTER, "检查中总包单位当场代发工资，已纳入实名制名册"),
    ):
        number, script = first_visit[index]
        season.later(script.day, _monitoring_dispatch, season, index, number, resolve)
    number, script = first_visit[MONITORING_NO_ACCOUNT]
    assert script.corrected is not None
    season.later(
        script.corrected,
        _monitoring_resolve,
        season,
        MONITORING_NO_ACCOUNT,
        "已开设农民工工资专用账户，1月工资经专户代发",
    )


# --- the compliance registry (issue 15) ------------------------------------------------------


def _registry_fill(season: _Season) -> None:
    """Each project's registry as the bureau holds it when the season starts (its account,
    deposit, board, roster and the months' transfers, attendance and pay); the projects the
    December files show short fall short here too (7: pay not through the account, 12: no
    labour cost). Its own random numbers; no complaint, case, inspection or payment."""
    from qingling.prevention.registry_demo import registry_demo_fill

    with clock.frozen_at(season.at(season.today, 8, 50)):
        rows = registry_demo_fill(
            projects=season.projects, seed=15_2021, used_ids=set(season.used_ids)
        )
    season.result.add("registry_rows", rows)
    season.progress(f"{season.today}: registry of {len(season.projects)} projects, {rows} rows")
