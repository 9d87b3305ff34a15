"""Reads of the project compliance registry (issue 15): a project's facts and checklist,
every project's status for the list (a fixed number of queries whatever the number of
projects), and what a case or the portal shows of the registry."""

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, Q, QuerySet, Sum
from django.http import Http404

from qingling.accounts.permissions import Perm, can, jurisdiction_prefix
from qingling.cases.models import Claim
from qingling.cases.selectors import case_list_for_user
from qingling.parties.models import Organization, Project, ProjectParty
from qingling.prevention.compliance import (
    Check,
    MonthFacts,
    ProjectFacts,
    checklist,
    failing_items,
)
from qingling.prevention.models import (
    Attendance,
    DepositMovement,
    LabourCostTransfer,
    PayrollEntry,
    ProjectRegistry,
    ProjectType,
    RightsBoard,
    WageAccount,
    WageDeposit,
)


def labour_cost_min_share(project_type: str) -> tuple[Decimal, str]:
    """The least share of a progress payment transferred as labour cost, and its source."""
    table = settings.QINGLING_LABOUR_COST_MIN_SHARE
    share, source = table.get(project_type, table[ProjectType.OTHER])
    return Decimal(share), str(source)


def registry_projects_for_user(*, user: object) -> QuerySet[Project]:
    """The projects in the user's jurisdiction whose registry the user may see."""
    prefix = jurisdiction_prefix(user)
    if prefix is None or not (can(user, Perm.PARTY_VIEW) or can(user, Perm.INSPECTION_VIEW)):
        return Project.objects.none()
    return Project.objects.filter(division__code__startswith=prefix)


def registry_project_get(*, user: object, public_id: uuid.UUID) -> Project:
    project = (
        registry_projects_for_user(user=user)
        .select_related("division", "wage_officer")
        .filter(public_id=public_id)
        .first()
    )
    if project is None:
        raise Http404
    return project


def organization_projects(*, organization: Organization) -> QuerySet[Project]:
    """The projects an organization is a party to (what an employer may see)."""
    return Project.objects.filter(parties__organization=organization).distinct()


def facts_for(projects: Iterable[Project]) -> dict[int, ProjectFacts]:
    """Each project's facts, in six queries whatever the number of projects. The projects
    are loaded here with what they need (registry, account, deposit, roster size)."""
    ids = [project.pk for project in projects]
    loaded = (
        Project.objects.filter(pk__in=ids)
        .select_related("registry", "wage_account", "wage_deposit")
        .annotate(roster_size=Count("roster"))
    )
    months: dict[int, dict[str, dict[str, Any]]] = defaultdict(lambda: defaultdict(dict))
    for row in (
        LabourCostTransfer.objects.filter(project_id__in=ids)
        .values("project_id", "month")
        .annotate(
            first=Min("transferred_on"), total=Sum("amount"), progress=Sum("progress_payment")
        )
        .order_by()
    ):
        months[row["project_id"]][row["month"]].update(
            transferred_on=row["first"], transferred=row["total"], progress_payment=row["progress"]
        )
    for present in (
        Attendance.objects.filter(project_id__in=ids)
        .values("project_id", "month")
        .distinct()
        .order_by()
    ):
        months[present["project_id"]][present["month"]]["attendance"] = True
    for row in (
        PayrollEntry.objects.filter(project_id__in=ids, via_wage_account=True)
        .values("project_id", "wage_month")
        .annotate(first=Min("paid_on"))
        .order_by()
    ):
        months[row["project_id"]][row["wage_month"]]["paid_via_account_on"] = row["first"]
    boards: dict[int, RightsBoard] = {}
    for board in RightsBoard.objects.filter(project_id__in=ids).order_by(
        "project_id", "-put_up_on", "-id"
    ):
        boards.setdefault(board.project_id, board)
    facts = {}
    for project in loaded:
        registry: ProjectRegistry | None = getattr(project, "registry", None)
        account: WageAccount | None = getattr(project, "wage_account", None)
        deposit: WageDeposit | None = getattr(project, "wage_deposit", None)
        seen = boards.get(project.pk)
        share, _source = labour_cost_min_share(
            registry.project_type if registry else ProjectType.OTHER
        )
        facts[project.pk] = ProjectFacts(
            start_date=project.start_date,
            completed_on=registry.completed_on if registry else None,
            publicity_ends_on=registry.publicity_ends_on if registry else None,
            has_wage_officer=project.wage_officer_id is not None,
            roster_size=project.roster_size,
            account_opened_on=account.opened_on if account else None,
            account_closed_on=account.closed_on if account else None,
            has_agreement=bool(account and account.agreement_sha256),
            deposit_lodged_on=deposit.lodged_on if deposit else None,
            deposit_required=deposit.required if deposit else Decimal(0),
            deposit_held=deposit.held if deposit else Decimal(0),
            deposit_top_up_due=deposit.top_up_due if deposit else None,
            deposit_refunded_on=deposit.refunded_on if deposit else None,
            board_put_up_on=seen.put_up_on if seen else None,
            board_contents=frozenset(seen.contents) if seen else frozenset(),
            min_share=share,
            months={month: MonthFacts(**values) for month, values in months[project.pk].items()},
        )
    return facts


def project_checklist(*, project: Project, today: dt.date) -> list[Check]:
    return checklist(facts_for([project])[project.pk], today)


@dataclass(frozen=True)
class ComplianceRow:
    project: Project
    contractor: Organization | None
    checks: list[Check]

    @property
    def failing(self) -> list[Check]:
        return [check for check in self.checks if check.failing]

    @property
    def compliant(self) -> bool:
        return not self.failing


def compliance_rows(
    *,
    projects: QuerySet[Project],
    today: dt.date,
    county: str = "",
    contractor: str = "",
    missing: str = "",
) -> list[ComplianceRow]:
    """Every project's status, filtered by county (a division code prefix), by general
    contractor (its public id) and by an item missing or late. Eight queries in all."""
    if county:
        projects = projects.filter(division__code__startswith=county)
    if contractor:
        try:
            projects = projects.filter(
                parties__role=ProjectParty.Role.GENERAL_CONTRACTOR,
                parties__organization__public_id=uuid.UUID(contractor),
            )
        except ValueError:
            projects = projects.none()
    listed = list(projects.select_related("division").order_by("division__code", "name", "id"))
    facts = facts_for(listed)
    contractors = {
        party.project_id: party.organization
        for party in ProjectParty.objects.filter(
            project__in=listed, role=ProjectParty.Role.GENERAL_CONTRACTOR
        ).select_related("organization")
    }
    rows = []
    for project in listed:
        checks = checklist(facts[project.pk], today)
        if missing and missing not in failing_items(checks):
            continue
        rows.append(ComplianceRow(project, contractors.get(project.pk), checks))
    return rows


def contractors_for(*, projects: QuerySet[Project]) -> QuerySet[Organization]:
    """The general contractors of these projects, for the list's filter."""
    return Organization.objects.filter(
        project_parties__role=ProjectParty.Role.GENERAL_CONTRACTOR,
        project_parties__project__in=projects,
    ).distinct()


@dataclass(frozen=True)
class ProjectRegistryView:
    """Everything the project page shows of the registry."""

    registry: ProjectRegistry | None
    account: WageAccount | None
    deposit: WageDeposit | None
    movements: list[DepositMovement]
    boards: list[RightsBoard]
    transfers: list[LabourCostTransfer]
    attendance_by_month: list[dict[str, object]]
    payroll_by_month: list[dict[str, object]]
    min_share: Decimal
    min_share_source: str

    @property
    def min_share_percent(self) -> str:
        return f"{self.min_share * 100:.0f}"


def project_registry_view(*, project: Project) -> ProjectRegistryView:
    registry = ProjectRegistry.objects.filter(project=project).first()
    deposit = WageDeposit.objects.filter(project=project).first()
    share, source = labour_cost_min_share(registry.project_type if registry else ProjectType.OTHER)
    return ProjectRegistryView(
        registry=registry,
        account=WageAccount.objects.filter(project=project).first(),
        deposit=deposit,
        movements=list(deposit.movements.all()) if deposit else [],
        boards=list(RightsBoard.objects.filter(project=project)[:5]),
        transfers=list(LabourCostTransfer.objects.filter(project=project)),
        attendance_by_month=list(
            Attendance.objects.filter(project=project)
            .values("month")
            .annotate(workers=Count("worker", distinct=True), days=Sum("days"))
            .order_by("-month")
        ),
        payroll_by_month=list(
            PayrollEntry.objects.filter(project=project)
            .values("wage_month")
            .annotate(
                workers=Count("worker", distinct=True),
                total=Sum("amount"),
                via_account=Sum("amount", filter=Q(via_wage_account=True)),
            )
            .order_by("-wage_month")
        ),
        min_share=share,
        min_share_source=source,
    )


def project_worker_records(*, project: Project) -> dict[str, QuerySet]:  # type: ignore[type-arg]
    """A project's attendance and payroll by worker, for a case against it (evidence)."""
    return {
        "attendance": Attendance.objects.filter(project=project).select_related("worker"),
        "payroll": PayrollEntry.objects.filter(project=project).select_related("worker"),
    }


def deposit_claims(*, user: object, project: Project) -> list[Claim]:
    """The claims of the user's cases against the project with money still owed: what a
    draw on the project's deposit may pay."""
    claims = (
        Claim.objects.filter(case__in=case_list_for_user(user=user), case__project=project)
        .select_related("case", "worker")
        .order_by("case_id", "id")
    )
    return [claim for claim in claims if claim.outstanding > 0]


# --- a month of the registry as the monitoring rules read it ------------------------------------


def _id_numbers(person_ids: Iterable[int]) -> dict[int, str]:
    """Each worker's ID number, unsealed for the month's files (none without one)."""
    from qingling.core.personal_data import unseal
    from qingling.parties.models import Person

    return {
        pk: unseal(sealed, purpose="id_number")
        for pk, sealed in Person.objects.filter(pk__in=set(person_ids))
        .exclude(id_number_sealed="")
        .values_list("pk", "id_number_sealed")
    }


def _days_present(first: dt.date, last: dt.date, days: set[dt.date], counted: int) -> list[dt.date]:
    """The days of one worker's month: the days given, and for a month's count (``days``
    without ``day``) as many more days of the month, from its first, as the count exceeds
    them. The rules count distinct days and never ask which: a count of 22 is 22 days."""
    found = set(days)
    day = first
    while len(found) < counted and day <= last:
        found.add(day)
        day += dt.timedelta(days=1)
    return sorted(found)


def registry_month_tables(
    *, month: str, first: dt.date, last: dt.date
) -> dict[str, list[list[str]]]:
    """Month M of the registry in the monitoring layout (``monitoring.rules.TABLES``): the
    rows of the projects with a code (the city's projects: the platform is one city's),
    every roster entry of those projects (the rules look at which cover M), the attendance
    and labour cost for M, and the payroll rows whose wage month is M. Values are text as
    in a CSV file; an empty value is missing. ``employer_code`` is empty (the registry does
    not keep it; no rule reads it), and so is ``wage_account`` (the number stays sealed)."""
    projects = list(
        Project.objects.exclude(code="")
        .order_by("code")
        .values_list("pk", "code", "name", "division_id", "start_date", "end_date")
    )
    codes = {pk: code for pk, code, *_rest in projects}
    contractors = dict(
        ProjectParty.objects.filter(
            project_id__in=codes, role=ProjectParty.Role.GENERAL_CONTRACTOR
        ).values_list("project_id", "organization__credit_code")
    )

    def date(value: dt.date | None) -> str:
        return value.isoformat() if value else ""

    tables: dict[str, list[list[str]]] = {
        "projects": [
            [code, name, str(division), contractors.get(pk) or "", "", date(start), date(end)]
            for pk, code, name, division, start, end in projects
        ]
    }
    from qingling.parties.models import RosterEntry

    roster = list(
        RosterEntry.objects.filter(project_id__in=codes)
        .order_by("project_id", "id")
        .values_list("project_id", "worker_id", "joined_on", "left_on")
    )
    attendance = list(
        Attendance.objects.filter(project_id__in=codes, month=month).values_list(
            "project_id", "worker_id", "day", "days"
        )
    )
    payroll = list(
        PayrollEntry.objects.filter(project_id__in=codes, wage_month=month)
        .order_by("project_id", "worker_id", "paid_on", "id")
        .values_list("project_id", "worker_id", "amount", "paid_on", "via_wage_account")
    )
    numbers = _id_numbers(
        [row[1] for row in roster] + [row[1] for row in attendance] + [row[1] for row in payroll]
    )
    tables["roster"] = [
        [codes[project], numbers[worker], "", date(joined), date(left)]
        for project, worker, joined, left in roster
        if worker in numbers
    ]
    days: dict[tuple[int, int], set[dt.date]] = defaultdict(set)
    counted: dict[tuple[int, int], int] = defaultdict(int)
    for project, worker, day, count in attendance:
        if day is not None:
            days[project, worker].add(day)
        else:
            counted[project, worker] = max(counted[project, worker], count)
    tables["attendance"] = [
        [codes[project], numbers[worker], day.isoformat()]
        for project, worker in sorted(set(days) | set(counted))
        if worker in numbers
        for day in _days_present(
            first, last, days.get((project, worker), set()), counted.get((project, worker), 0)
        )
    ]
    tables["payroll"] = [
        [codes[project], numbers[worker], month, f"{amount:.2f}", date(paid), "1" if via else "0"]
        for project, worker, amount, paid, via in payroll
        if worker in numbers
    ]
    tables["labour_cost"] = [
        [codes[project], month, f"{amount:.2f}", date(transferred)]
        for project, amount, transferred in LabourCostTransfer.objects.filter(
            project_id__in=codes, month=month
        )
        .order_by("project_id", "transferred_on", "id")
        .values_list("project_id", "amount", "transferred_on")
    ]
    return tables
