"""Reads for inspections; the ``*_for_user`` helpers are the only door to them."""

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Max, Q, QuerySet
from django.http import Http404

from qingling.accounts.models import Role, User
from qingling.accounts.permissions import Perm, can, jurisdiction_prefix
from qingling.core.models import Division
from qingling.inspections.models import Campaign, Evidence, Finding, Inspection
from qingling.parties.models import Organization, Project
from qingling.parties.selectors import organization_list_for_user, project_list_for_user


def _inspections_visible(*, user: object) -> QuerySet[Inspection]:
    prefix = jurisdiction_prefix(user)
    if prefix is None or not can(user, Perm.INSPECTION_VIEW):
        return Inspection.objects.none()
    return Inspection.objects.filter(division__code__startswith=prefix)


def _inspection_rows(inspections: QuerySet[Inspection]) -> QuerySet[Inspection]:
    """The list's rows: with project, division, campaign and the findings counted."""
    return (
        inspections.select_related("project", "division", "campaign")
        .annotate(
            finding_count=Count("findings", distinct=True),
            open_count=Count(
                "findings",
                filter=Q(findings__status__in=[Finding.Status.OPEN, Finding.Status.DEADLINE]),
                distinct=True,
            ),
        )
        .order_by("-done_on", "-planned_on", "-id")
    )


def inspection_list_for_user(*, user: object) -> QuerySet[Inspection]:
    return _inspection_rows(_inspections_visible(user=user))


@dataclass(frozen=True)
class InspectionFilters:
    status: str = ""  # an Inspection.Status value, or "" for any
    done_from: dt.date | None = None
    done_to: dt.date | None = None


def inspection_search_for_user(*, user: object, filters: InspectionFilters) -> QuerySet[Inspection]:
    """The visible inspections that pass the filters, without the list's joins (what the
    totals count); ``inspection_rows`` turns them into the list's rows."""
    inspections = _inspections_visible(user=user)
    if filters.status in Inspection.Status.values:
        inspections = inspections.filter(status=filters.status)
    if filters.done_from is not None:
        inspections = inspections.filter(done_on__gte=filters.done_from)
    if filters.done_to is not None:
        inspections = inspections.filter(done_on__lte=filters.done_to)
    return inspections


def inspection_rows(inspections: QuerySet[Inspection]) -> QuerySet[Inspection]:
    return _inspection_rows(inspections)


@dataclass(frozen=True)
class InspectionTotals:
    inspections: int
    inspector_visits: int  # 人次: the inspectors of each inspection, summed
    projects: int  # distinct projects


def inspection_totals(*, inspections: QuerySet[Inspection]) -> InspectionTotals:
    """One query. For the done inspections of a period these are the ``inspections``,
    ``inspector_visits`` and ``projects_inspected`` figures (inspections/statistics.py):
    the join to the team gives one row per inspector, so ``Count("team")`` is the 人次."""
    totals = inspections.order_by().aggregate(
        inspections=Count("id", distinct=True),
        visits=Count("team"),
        projects=Count("project", distinct=True),
    )
    return InspectionTotals(
        inspections=int(totals["inspections"]),
        inspector_visits=int(totals["visits"]),
        projects=int(totals["projects"]),
    )


def inspection_get_for_user(*, user: object, public_id: uuid.UUID) -> Inspection:
    prefix = jurisdiction_prefix(user)
    if prefix is None or not can(user, Perm.INSPECTION_VIEW):
        raise Http404
    try:
        return Inspection.objects.select_related("project", "division", "campaign").get(
            public_id=public_id, division__code__startswith=prefix
        )
    except Inspection.DoesNotExist:
        raise Http404 from None


def inspection_planned_for_user(*, user: object) -> QuerySet[Inspection]:
    """Visits planned and not yet recorded, on which the user is one of the team."""
    if not isinstance(user, User):
        return Inspection.objects.none()
    return (
        inspection_list_for_user(user=user)
        .filter(status=Inspection.Status.PLANNED, team__inspector=user)
        .order_by("planned_on", "id")
    )


def inspection_team(*, inspection: Inspection) -> list[User]:
    return [row.inspector for row in inspection.team.select_related("inspector").order_by("id")]


def inspection_findings(*, inspection: Inspection) -> QuerySet[Finding]:
    return inspection.findings.select_related("respondent", "complaint", "case").prefetch_related(
        "spot_payments", "evidence"
    )


def inspection_evidence(*, inspection: Inspection) -> QuerySet[Evidence]:
    return inspection.evidence.all()


def finding_get_for_user(*, user: object, public_id: uuid.UUID) -> Finding:
    prefix = jurisdiction_prefix(user)
    if prefix is None or not can(user, Perm.INSPECTION_VIEW):
        raise Http404
    try:
        return Finding.objects.select_related(
            "inspection__project", "inspection__division", "respondent", "complaint", "case"
        ).get(public_id=public_id, inspection__division__code__startswith=prefix)
    except Finding.DoesNotExist:
        raise Http404 from None


def inspector_choices(*, user: object) -> QuerySet[User]:
    """Staff who may be on a team with the user: inspectors and chiefs of the user's
    jurisdiction or of a city-wide unit (the service checks the project's division)."""
    prefix = jurisdiction_prefix(user)
    if prefix is None:
        return User.objects.none()
    return (
        User.objects.filter(
            is_active=True,
            role__in=[Role.INSPECTOR, Role.SECTION_CHIEF],
            org_unit__isnull=False,
        )
        .filter(
            Q(org_unit__division__code__startswith=prefix)
            | Q(org_unit__division__level__in=[Division.Level.CITY, Division.Level.PROVINCE])
        )
        .select_related("org_unit__division")
        .order_by("org_unit__division_id", "full_name", "username")
    )


def project_choices(*, user: object) -> QuerySet[Project]:
    return project_list_for_user(user=user).order_by("division_id", "name", "id")


def respondent_choices(*, user: object, project: Project) -> QuerySet[Organization]:
    """The organizations that are parties to the project (who may be responsible), of those
    the user may see (``organization_list_for_user``)."""
    return (
        organization_list_for_user(user=user)
        .filter(project_parties__project=project)
        .distinct()
        .order_by("name")
    )


@dataclass(frozen=True)
class FindingFilters:
    statuses: tuple[str, ...] = ()  # Finding.Status values; none for any
    corrected_from: dt.date | None = None
    corrected_to: dt.date | None = None


def finding_list_for_user(*, user: object, filters: FindingFilters) -> QuerySet[Finding]:
    """Findings of the visible inspections that pass the filters, most recently corrected
    (then found) first. With the two corrected statuses and a period these are the
    ``violations_corrected`` figure (inspections/statistics.py)."""
    prefix = jurisdiction_prefix(user)
    if prefix is None or not can(user, Perm.INSPECTION_VIEW):
        return Finding.objects.none()
    findings = Finding.objects.filter(inspection__division__code__startswith=prefix)
    statuses = [status for status in filters.statuses if status in Finding.Status.values]
    if statuses:
        findings = findings.filter(status__in=statuses)
    if filters.corrected_from is not None:
        findings = findings.filter(corrected_on__gte=filters.corrected_from)
    if filters.corrected_to is not None:
        findings = findings.filter(corrected_on__lte=filters.corrected_to)
    return findings.select_related(
        "inspection__project", "inspection__division", "respondent"
    ).order_by(F("corrected_on").desc(nulls_last=True), "-inspection__done_on", "-id")


# --- campaigns --------------------------------------------------------------------------------


def campaign_list_for_user(*, user: object) -> QuerySet[Campaign]:
    """Campaigns of the user's area and the wider ones that cover it."""
    prefix = jurisdiction_prefix(user)
    if prefix is None or not can(user, Perm.INSPECTION_VIEW):
        return Campaign.objects.none()
    wider = [prefix[:n] for n in (2, 4, 6) if n <= len(prefix)]
    return (
        Campaign.objects.filter(
            Q(division__code__startswith=prefix) | Q(division__code__in=_codes_of(wider))
        )
        .select_related("division")
        .annotate(target_count=Count("target_rows", distinct=True))
    )


def _codes_of(prefixes: list[str]) -> list[str]:
    """The division codes a prefix stands for: 22 → 220000, 2204 → 220400."""
    return [p.ljust(6, "0") for p in prefixes]


def campaign_get_for_user(*, user: object, public_id: uuid.UUID) -> Campaign:
    try:
        return campaign_list_for_user(user=user).get(public_id=public_id)
    except Campaign.DoesNotExist:
        raise Http404 from None


@dataclass(frozen=True)
class TargetProgress:
    project: Project
    inspections: int
    last_done_on: object


@dataclass(frozen=True)
class CampaignProgress:
    rows: list[TargetProgress]

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def inspected(self) -> int:
        return sum(1 for row in self.rows if row.inspections)

    @property
    def remaining(self) -> int:
        return self.total - self.inspected


def campaign_progress(*, campaign: Campaign, user: object) -> CampaignProgress:
    """Each target of the campaign (inside the user's area) and whether it was inspected
    during the campaign: a visit done in its period, in the campaign or not."""
    prefix = jurisdiction_prefix(user) or "-"
    done_in_period = Q(
        inspections__status=Inspection.Status.DONE,
        inspections__done_on__gte=campaign.starts_on,
        inspections__done_on__lte=campaign.ends_on,
    )
    projects = (
        Project.objects.filter(pk__in=campaign.target_rows.values("project"))
        .filter(division__code__startswith=prefix)
        .select_related("division")
        .annotate(
            done=Count("inspections", filter=done_in_period, distinct=True),
            last_done=Max("inspections__done_on", filter=done_in_period),
        )
        .order_by("done", "division_id", "name")
    )
    return CampaignProgress(rows=[TargetProgress(p, p.done, p.last_done) for p in projects])


def organizations_linked_under(prefix: str) -> QuerySet[Finding, Any]:
    """The ids of the organizations held responsible for a finding of an inspection under
    this division-code prefix.

    Registered in ``QINGLING_ORGANIZATION_LINKS`` (the inspected project's parties are
    linked by parties itself).
    """
    return Finding.objects.filter(
        inspection__division__code__startswith=prefix, respondent__isnull=False
    ).values("respondent_id")
