"""Reads for complaints: the access helper, the work queue, the public progress query."""

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.module_loading import import_string

from qingling.accounts.permissions import Perm, can, jurisdiction_prefix
from qingling.core.personal_data import blind_index, unseal
from qingling.core.selectors import workdays_add
from qingling.core.validators import validate_mobile
from qingling.intake.deadlines import Limitation, limitation
from qingling.intake.lifecycle import OPEN_STATUSES, ComplaintStatus
from qingling.intake.models import (
    Callback,
    Channel,
    Complaint,
    ComplaintWorker,
    Notice,
    Settlement,
    SourceSystem,
)
from qingling.parties.matching import name_key, same_employer
from qingling.parties.selectors import block_key_filter

DUE_SOON_WORKING_DAYS = 2


def complaint_list_for_user(*, user: object) -> QuerySet[Complaint]:
    """Complaints the user may see: those in their jurisdiction, and those not yet placed."""
    prefix = jurisdiction_prefix(user)
    if prefix is None or not can(user, Perm.COMPLAINT_VIEW):
        return Complaint.objects.none()
    return Complaint.objects.filter(
        Q(division__isnull=True) | Q(division__code__startswith=prefix)
    ).select_related("division", "assigned_to", "complainant")


# Filter name → (field, lookup on its local date): the lists behind the statistics.
COMPLAINT_DATE_FILTERS = {
    "received_from": ("received_at", "gte"),
    "received_to": ("received_at", "lte"),
    "decided_from": ("decided_at", "gte"),
    "decided_to": ("decided_at", "lte"),
    "replied_from": ("replied_at", "gte"),
    "replied_to": ("replied_at", "lte"),
}


def complaint_filter(
    complaints: QuerySet[Complaint],
    *,
    statuses: list[str],
    channels: list[str],
    query: str = "",
    dates: dict[str, str] | None = None,
) -> QuerySet[Complaint]:
    """Narrow a list of complaints; unknown values are ignored, dates are local days."""
    if wanted := [s for s in statuses if s in ComplaintStatus.values]:
        complaints = complaints.filter(status__in=wanted)
    if wanted := [c for c in channels if c in Channel.values]:
        complaints = complaints.filter(channel__in=wanted)
    if query := query.strip():
        complaints = complaints.filter(
            Q(employer_name__icontains=query) | Q(project_name__icontains=query)
        )
    for name, raw in (dates or {}).items():
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            continue
        field, lookup = COMPLAINT_DATE_FILTERS[name]
        complaints = complaints.filter(**{f"{field}__date__{lookup}": day})
    return complaints


def complaint_get_for_user(*, user: object, public_id: uuid.UUID) -> Complaint:
    try:
        return (
            complaint_list_for_user(user=user)
            .select_related("employer", "project", "joined_to", "decided_by", "source_system")
            .get(public_id=public_id)
        )
    except Complaint.DoesNotExist:
        raise Http404 from None


@dataclass(frozen=True)
class WorkQueue:
    overdue: list[Complaint]
    due_soon: list[Complaint]
    later: list[Complaint]
    waiting_for_material: list[Complaint]
    escalated: list[Complaint]
    # Accepted, and no case opened yet (若干规定 Art. 18: 立案 on acceptance).
    without_case: list[Complaint]
    # The callback said the money did not arrive, and nobody has recorded what was done.
    reopened: list[Complaint]


def complaint_queue_for_user(*, user: object, today: dt.date) -> WorkQueue:
    """What is due: undecided complaints by acceptance deadline; escalations for chiefs."""
    undecided = list(
        complaint_list_for_user(user=user)
        .filter(status__in=OPEN_STATUSES)
        .order_by("acceptance_due", "received_at")
    )
    soon = workdays_add(start=today, days=DUE_SOON_WORKING_DAYS).date
    escalated = (
        [c for c in undecided if c.escalated_at] if can(user, Perm.COMPLAINT_ESCALATIONS) else []
    )
    awaiting = [c for c in undecided if c.status == ComplaintStatus.RECEIVED]
    return WorkQueue(
        overdue=[c for c in awaiting if c.acceptance_due < today],
        due_soon=[c for c in awaiting if today <= c.acceptance_due <= soon],
        later=[c for c in awaiting if c.acceptance_due > soon],
        waiting_for_material=[c for c in undecided if c.status == ComplaintStatus.MORE_MATERIAL],
        escalated=escalated,
        without_case=list(
            complaint_list_for_user(user=user)
            .filter(status=ComplaintStatus.ACCEPTED, case_opened_on__isnull=True)
            .order_by("case_due", "decided_at")
        ),
        reopened=list(
            complaint_list_for_user(user=user)
            .filter(reopened_at__isnull=False, reopen_handled_at__isnull=True)
            .order_by("reopened_at")
        ),
    )


def complaint_limitation(*, complaint: Complaint) -> Limitation:
    """The 2-year limitation (监察条例 Art. 20) as the period owed implies it; the page
    warns the officer when it has passed, and the officer decides."""
    return limitation(complaint.period)


@dataclass(frozen=True)
class NamedWorker:
    """A worker the complaint names, numbers unsealed, for the case workflow's claims."""

    pk: int
    name: str
    phone: str
    id_number: str
    amount: Decimal | None


def complaint_workers_named(*, complaint: Complaint) -> list[NamedWorker]:
    """The workers a complaint names with their numbers in clear: only for services that
    register them as persons (opening a case); pages show the masked fields."""
    return [
        NamedWorker(
            pk=worker.pk,
            name=worker.name,
            phone=unseal(worker.phone_sealed, purpose="phone") if worker.phone_sealed else "",
            id_number=(
                unseal(worker.id_number_sealed, purpose="id_number")
                if worker.id_number_sealed
                else ""
            ),
            amount=worker.amount,
        )
        for worker in complaint.workers.all()
    ]


def complaint_workers(*, complaint: Complaint) -> list[ComplaintWorker]:
    return list(complaint.workers.all())


def complaint_notices(*, complaint: Complaint) -> list[Notice]:
    return list(complaint.notices.all())


def notice_for_complaint(*, complaint: Complaint, public_id: uuid.UUID) -> Notice | None:
    return complaint.notices.filter(public_id=public_id).first()


SAME_MATTER_STATUSES = (*OPEN_STATUSES, ComplaintStatus.ACCEPTED, ComplaintStatus.JOINED)


def complaint_same_matter_candidates(
    *,
    employer_name: str,
    employer_id: int | None = None,
    exclude_pk: int | None = None,
    limit: int = 5,
    within: QuerySet[Complaint] | None = None,
) -> list[Complaint]:
    """Open or accepted complaints (of ``within``) that look like the same employer.

    One indexed range on ``employer_key`` (names that can match share the first two
    pinyin initials of their trade name, as in parties.selectors.organization_match_
    candidates), then ``same_employer`` decides on the few rows of the block.
    """
    terms = Q(employer_id=employer_id) if employer_id else Q(pk__in=[])
    if employer_name and (same_block := block_key_filter("employer_key", name_key(employer_name))):
        terms |= same_block
    block = (
        (Complaint.objects.all() if within is None else within)
        .filter(terms, status__in=SAME_MATTER_STATUSES)
        .exclude(pk=exclude_pk or 0)
        .order_by("-received_at")
        .values_list("pk", "employer_id", "employer_name")[:200]
    )
    matched = []
    for pk, other_employer_id, other_name in block:
        if (employer_id and other_employer_id == employer_id) or (
            employer_name and other_name and same_employer(employer_name, other_name)
        ):
            matched.append(pk)
            if len(matched) >= limit:
                break
    return list(Complaint.objects.filter(pk__in=matched).order_by("-received_at"))  # ≤ limit rows


def complaint_same_matter(*, complaint: Complaint, user: object, limit: int = 5) -> list[Complaint]:
    """Other complaints the user may see that may be about the same employer."""
    return complaint_same_matter_candidates(
        employer_name=complaint.employer_name,
        employer_id=complaint.employer_id,
        exclude_pk=complaint.pk,
        limit=limit,
        within=complaint_list_for_user(user=user),
    )


def complaint_find_by_code(*, query_code: str, phone: str) -> Complaint | None:
    """The public progress query: the code and the phone number given must both match."""
    code = "".join(query_code.split()).upper()
    try:
        digest = blind_index(validate_mobile(phone), purpose="phone")
    except ValidationError:
        return None
    return Complaint.objects.filter(query_code=code, contact_phone_digest=digest).first()


def source_system_by_key(*, key: str) -> SourceSystem | None:
    """The active system whose key this is, whatever its scope: the caller checks that
    the key may do what is asked (``SourceSystem.scope``)."""
    return SourceSystem.objects.filter(
        key_digest=hashlib.sha256(key.encode()).hexdigest(), is_active=True
    ).first()


def number_row(number: str) -> int | None:
    """The row in a number staff quote (``2021-000012`` → 12); its year is checked by
    comparing ``Complaint.number`` whole, as the year is the local year of receipt."""
    year, _, row = number.strip().partition("-")
    return int(row) if year.isdigit() and row.isdigit() else None


def complaint_get_by_number_for_user(*, user: object, number: str) -> Complaint | None:
    """Find a complaint by the number staff quote (``2021-000012``)."""
    row = number_row(number)
    found = complaint_list_for_user(user=user).filter(pk=row).first() if row else None
    return found if found is not None and found.number == number.strip() else None


def complaint_get_for_system(*, system: SourceSystem, source_ref: str) -> Complaint | None:
    """A complaint the system itself delivered, by its own number; None for anyone else's."""
    return Complaint.objects.filter(
        Q(source_ref=source_ref) & ~Q(source_ref=""),  # the partial unique index, on SQLite too
        source_system=system,
        channel=system.channel,
    ).first()


def complaint_public_list(
    *,
    numbers: list[str] | None = None,
    kinds: list[str] | None = None,
    statuses: list[str] | None = None,
    received_from: dt.datetime | None = None,
    received_to: dt.datetime | None = None,
    limit: int = 1000,
) -> list[Complaint]:
    """Complaints for the public Open311 reads, by number (``2021-000012``) or filters.

    The caller decides what of each complaint may be shown; ``complainant`` comes along
    only so that the caller can mask the complainant's name in the text.
    """
    complaints = Complaint.objects.select_related("complainant").order_by("-received_at", "-id")
    wanted: set[str] | None = None
    if numbers is not None:
        wanted = {number.strip() for number in numbers}
        complaints = complaints.filter(pk__in=[row for n in wanted if (row := number_row(n))])
    if kinds is not None:
        complaints = complaints.filter(kind__in=kinds)
    if statuses is not None:
        complaints = complaints.filter(status__in=statuses)
    if received_from is not None:
        complaints = complaints.filter(received_at__gte=received_from)
    if received_to is not None:
        complaints = complaints.filter(received_at__lte=received_to)
    # The number's year is the year of receipt as the number shows it; compare the whole.
    return [c for c in complaints[:limit] if wanted is None or c.number in wanted]


def source_system_by_name(*, name: str) -> SourceSystem | None:
    return SourceSystem.objects.filter(name=name).first()


def people_linked_under(prefix: str) -> QuerySet[Complaint, Any]:
    """The ids of the complainants of complaints placed under this division-code prefix.

    Registered in ``QINGLING_PERSON_LINKS``: a county's staff may learn the numbers of
    the people who complained to it. An unplaced complaint links its complainant to
    nobody but city-wide staff (who triage it).
    """
    return Complaint.objects.filter(
        division__code__startswith=prefix, complainant__isnull=False
    ).values("complainant_id")


def organizations_linked_under(prefix: str) -> QuerySet[Complaint, Any]:
    """The ids of the employers of complaints placed under this division-code prefix.

    Registered in ``QINGLING_ORGANIZATION_LINKS``: a county's staff see the employers
    complained about to it. An unplaced complaint links its employer to nobody but
    city-wide staff (who triage it).
    """
    return Complaint.objects.filter(
        division__code__startswith=prefix, employer__isnull=False
    ).values("employer_id")


def complaint_settlement(*, complaint: Complaint) -> Settlement | None:
    """The settlement without a case of the complaint, with its payments, if any."""
    return (
        Settlement.objects.filter(complaint=complaint)
        .select_related("recorded_by")
        .prefetch_related("payments")
        .first()
    )


def complaint_case_progress(*, complaint: Complaint) -> dict[str, Any] | None:
    """What the case workflow says of the case opened from the complaint, for the worker's
    progress query (``QINGLING_COMPLAINT_PROGRESS``: intake imports no cases)."""
    if not complaint.case_number:
        return None
    progress: dict[str, Any] | None = import_string(settings.QINGLING_COMPLAINT_PROGRESS)(
        complaint=complaint
    )
    return progress


CALLBACK_SALT = "qingling.intake.callback"


def callback_path(callback: Callback) -> str:
    """The worker's own link to the one-question callback page: a signed token of the
    callback's public id, which cannot be guessed for someone else's complaint."""
    token = signing.dumps(str(callback.public_id), salt=CALLBACK_SALT, compress=True)
    return reverse("web_intake:callback", args=[token])


def callback_from_token(token: str) -> Callback | None:
    try:
        public_id = uuid.UUID(str(signing.loads(token, salt=CALLBACK_SALT)))
    except (signing.BadSignature, ValueError):
        return None
    return Callback.objects.select_related("complaint").filter(public_id=public_id).first()


STOP_SALT = "qingling.intake.stop"


def complaint_stop_path(complaint: Complaint) -> str:
    """The worker's own stop link (退订) in every text about their complaint: a signed
    token of the complaint's public id, which cannot be guessed for someone else's."""
    token = signing.dumps(str(complaint.public_id), salt=STOP_SALT, compress=True)
    return reverse("web_intake:stop", args=[token])


def complaint_from_stop_token(token: str) -> Complaint:
    try:
        public_id = uuid.UUID(str(signing.loads(token, salt=STOP_SALT)))
        return Complaint.objects.get(public_id=public_id)
    except (signing.BadSignature, ValueError, Complaint.DoesNotExist):
        raise Http404 from None


def complaint_callback(*, complaint: Complaint) -> Callback | None:
    return Callback.objects.filter(complaint=complaint).select_related("answered_by").first()


# --- the home queues (issue 18): each a query, the soonest deadline first ---------------------


def complaints_awaiting_decision(*, user: object) -> QuerySet[Complaint]:
    """Received and not yet decided (受理): the 5-working-day limit runs."""
    return (
        complaint_list_for_user(user=user)
        .filter(status=ComplaintStatus.RECEIVED)
        .order_by("acceptance_due", "received_at", "id")
    )


def complaints_waiting_for_material(*, user: object) -> QuerySet[Complaint]:
    """Waiting for the material asked for (补正), the end of the wait first."""
    return (
        complaint_list_for_user(user=user)
        .filter(status=ComplaintStatus.MORE_MATERIAL)
        .order_by("material_due", "received_at", "id")
    )


def complaints_awaiting_case(*, user: object) -> QuerySet[Complaint]:
    """Accepted, and no case opened yet (若干规定 Art. 18: 立案 on acceptance): the chief's
    "awaiting 立案" queue, the day the case was to be opened first."""
    return (
        complaint_list_for_user(user=user)
        .filter(status=ComplaintStatus.ACCEPTED, case_opened_on__isnull=True)
        .order_by("case_due", "decided_at", "id")
    )


def complaints_assigned_to(*, user: object) -> QuerySet[Complaint]:
    """Complaints handed to the user that still need something: a decision, or a case."""
    still = Q(status__in=OPEN_STATUSES) | Q(
        status=ComplaintStatus.ACCEPTED, case_opened_on__isnull=True
    )
    return (
        complaint_list_for_user(user=user)
        .filter(still, assigned_to_id=getattr(user, "pk", None))
        .order_by("case_due", "acceptance_due", "id")
    )


def complaints_overdue(*, user: object, today: dt.date) -> QuerySet[Complaint]:
    """Past a limit: undecided after the acceptance limit, or accepted and no case after
    the day it was to be opened."""
    late = Q(status=ComplaintStatus.RECEIVED, acceptance_due__lt=today) | Q(
        status=ComplaintStatus.ACCEPTED, case_opened_on__isnull=True, case_due__lt=today
    )
    return complaint_list_for_user(user=user).filter(late).order_by("acceptance_due", "id")


def complaints_by_public_ids(*, user: object, public_ids: list[str]) -> list[Complaint]:
    """The complaints the user may see among ``public_ids`` (a bulk action's rows), in the
    order given; ids not valid or not visible are left out."""
    wanted = []
    for raw in public_ids:
        try:
            wanted.append(uuid.UUID(raw))
        except ValueError:
            continue
    found = {
        c.public_id: c for c in complaint_list_for_user(user=user).filter(public_id__in=wanted)
    }
    return [found[key] for key in wanted if key in found]
