"""Realistic registry data for the demo city's and the 2021 season's projects (issue 15).

Each project gets its type of works, its wage account (most with the tripartite
agreement), its wage deposit, a photo of its rights board, five workers on its roster,
and for every month from its start whose duties are due: the labour cost transferred,
each worker's days present and pay through the account. A few projects fall short the
way sites do: no agreement on file, a board without the legal-aid line, the last month's
labour cost or pay through the account missing. Everything goes through the services as
the system (``actor=None``) and draws on its own ``random.Random``, never the caller's,
and adds no complaint, case, inspection or payment, so no other figure changes.
"""

import datetime as dt
import random
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from qingling.core import clock
from qingling.core.workbooks import SheetRow
from qingling.parties.demo import fake_id_number
from qingling.parties.models import Project
from qingling.parties.services import project_code_set, roster_add
from qingling.prevention import registry_services as services
from qingling.prevention.compliance import (
    BoardContent,
    ProjectFacts,
    judged_months,
    month_deadline,
)
from qingling.prevention.models import DepositForm, ProjectType, RateBasis
from qingling.prevention.registry_files import FileKind

WORKERS = 5
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ("建国", "春生", "海军", "振华", "国庆", "立新", "志强", "永刚", "德明", "玉山")
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
PDF = b"%PDF-1.4\n% qingling demo tripartite agreement\n"


def _file(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def registry_demo_fill(
    *,
    projects: Sequence[Project],
    seed: int = 15,
    used_ids: set[str] | None = None,
    falls_short: Callable[[int], set[str]] | None = None,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Fill the registry of these projects; answers the rows imported. ``falls_short(i)``
    names what project ``i`` lacks (agreement, board, labour_cost, payroll), else a fixed
    few projects do."""
    rng = random.Random(seed)
    used = set(used_ids or ())
    today = clock.local_today()
    rows = 0
    for index, project in enumerate(projects):
        short = falls_short(index) if falls_short else _short(index)
        if not project.code:
            project_code_set(project=project, code=f"LY-DEMO-{index:02d}", actor=None)
        start = project.start_date or today
        services.project_type_set(
            project=project, project_type=ProjectType.values[index % 3], actor=None
        )
        services.wage_account_open(
            project=project,
            bank=rng.choice(("中国建设银行辽源分行", "中国工商银行辽源分行", "吉林银行辽源分行")),
            number=f"6217{rng.randrange(10**14):014d}",
            opened_on=min(start, today),
            agreement=None if "agreement" in short else _file("agreement.pdf", PDF),
            actor=None,
        )
        basis = RateBasis.CLEAN_RECORD if index % 4 == 0 else RateBasis.STANDARD
        rate = services.deposit_rate_for(basis)
        services.wage_deposit_lodge(
            project=project,
            form=(DepositForm.CASH, DepositForm.BANK_GUARANTEE, DepositForm.INSURANCE)[index % 3],
            amount=((project.contract_value or Decimal(0)) * rate).quantize(Decimal("0.01"))
            or Decimal(1),
            lodged_on=min(start, today),
            rate_basis=basis,
            actor=None,
        )
        contents = [c for c in BoardContent.values if not ("board" in short and c == "legal_aid")]
        services.rights_board_record(
            project=project,
            photo=_file("board.png", PNG),
            put_up_on=min(start, today),
            contents=contents,
            actor=None,
        )
        rows += _workers_and_months(project, rng, used, short, today)
        if progress is not None:
            progress(f"registry: {project.name}")
    return rows


def _short(index: int) -> set[str]:
    return {
        3: {"agreement"},
        7: {"payroll"},
        9: {"board"},
        12: {"labour_cost"},
        16: {"agreement", "labour_cost"},
    }.get(index, set())


def _workers_and_months(
    project: Project, rng: random.Random, used: set[str], short: set[str], today: dt.date
) -> int:
    start = project.start_date or today
    numbers = []
    for _n in range(WORKERS):
        while (number := fake_id_number(rng, division=project.division_id)) in used:
            pass
        used.add(number)
        numbers.append(number)
        roster_add(
            project=project,
            name=rng.choice(SURNAMES) + rng.choice(GIVEN),
            id_number=number,
            trade=rng.choice(("钢筋工", "木工", "瓦工", "架子工", "电工")),
            joined_on=start,
            actor=None,
        )
    ended = project.end_date if project.end_date and project.end_date < today else None
    months = judged_months(ProjectFacts(start_date=start, completed_on=ended), today)
    last = months[-1] if months else ""
    attendance: list[SheetRow] = []
    payroll: list[SheetRow] = []
    transfers: list[SheetRow] = []
    line = 1
    for month in months:
        deadline = month_deadline(month)
        paid_on = (deadline.replace(day=1) + dt.timedelta(days=9)).isoformat()
        total = Decimal(0)
        for number in numbers:
            pay = Decimal(rng.randrange(3800, 7200))
            total += pay
            line += 1
            attendance.append(
                SheetRow(
                    line,
                    {
                        "project_code": project.code,
                        "worker_id": number,
                        "month": month,
                        "days": str(rng.randrange(18, 27)),
                    },
                )
            )
            via = "0" if ("payroll" in short and month == last) else "1"
            payroll.append(
                SheetRow(
                    line,
                    {
                        "project_code": project.code,
                        "worker_id": number,
                        "wage_month": month,
                        "amount": f"{pay}",
                        "paid_on": paid_on,
                        "via_wage_account": via,
                    },
                )
            )
        if not ("labour_cost" in short and month == last):
            transfers.append(
                SheetRow(
                    line,
                    {
                        "project_code": project.code,
                        "month": month,
                        "amount": f"{total * Decimal('1.1'):.2f}",
                        "transferred_on": (
                            deadline.replace(day=1) + dt.timedelta(days=4)
                        ).isoformat(),
                        "progress_payment": f"{total * 4:.2f}",
                    },
                )
            )
    done = 0
    for kind, batch in (
        (FileKind.LABOUR_COST, transfers),
        (FileKind.ATTENDANCE, attendance),
        (FileKind.PAYROLL, payroll),
    ):
        result = services.registry_rows_import(project=project, kind=kind, rows=batch, actor=None)
        done += result.created
    if ended is not None:  # completed: 30 days of publicity, then the account closes
        registry = services.project_completion_record(
            project=project, completed_on=ended, actor=None
        )
        assert registry.publicity_ends_on is not None
        closing = registry.publicity_ends_on + dt.timedelta(days=1)
        if closing <= today:
            services.wage_account_close(project=project, closed_on=closing, actor=None)
            services.wage_deposit_refund(project=project, on=closing, actor=None)
    return done


def registry_demo_city(*, city: Any, seed: int) -> None:
    """The demo command's filler (``QINGLING_DEMO_FILLERS``): the demo city's projects."""
    registry_demo_fill(projects=city.projects, seed=seed + 15)
