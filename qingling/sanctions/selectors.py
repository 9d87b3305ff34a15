"""Reads of sanctions: the blacklist (the staff list and its access helper, a case's
arrears after its order, the employment flag source and the public list) and the
transfer to the police (the crime threshold in force, the conditions a case meets, the
case page's facts and the closing check)."""

import datetime as dt
import io
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from qingling.accounts.permissions import Perm, can, covers, jurisdiction_prefix
from qingling.cases.amounts import ZERO
from qingling.cases.deadlines import order_overdue
from qingling.cases.models import Case, Document, Penalty, Proceeding
from qingling.cases.selectors import CaseFact, case_list_for_user, claims_outstanding
from qingling.core import clock
from qingling.core.models import Division
from qingling.core.money import money
from qingling.core.spreadsheets import xlsx_row
from qingling.parties.models import Organization, Person, ProjectParty
from qingling.parties.selectors import OrganizationSection
from qingling.sanctions.lifecycle import REFERRAL_OPEN_STATUSES, ListingStatus
from qingling.sanctions.models import Evasion, Listing, ListingEvent, ListingPerson, Referral


def listing_list_for_user(*, user: object, status: str = "") -> QuerySet[Listing]:
    """Listings from cases of the user's jurisdiction."""
    prefix = jurisdiction_prefix(user)
    if prefix is None or not can(user, Perm.CASE_VIEW):
        return Listing.objects.none()
    divisions = Division.objects.filter(code__startswith=prefix).values("code")
    listings = Listing.objects.filter(case__division_id__in=divisions).select_related(
        "organization", "case", "case__division"
    )
    if status in ListingStatus.values:
        listings = listings.filter(status=status)
    return listings


def listing_get_for_user(*, user: object, public_id: uuid.UUID) -> Listing:
    try:
        return listing_list_for_user(user=user).get(public_id=public_id)
    except Listing.DoesNotExist:
        raise Http404 from None


@dataclass(frozen=True)
class Arrears:
    """What a case's workers were still owed at the end of its order's date."""

    workers: int  # workers with money unpaid
    total: Decimal
    largest: Decimal  # the most one worker was owed


def case_arrears_after_order(*, case: Case) -> Arrears | None:
    """The arrears left unpaid when the case's order to pay fell due; None without an
    order. A claim owes what it still owed at the end of that day
    (``qingling.cases.amounts.claim_outstanding_on``)."""
    if case.order_due is None:
        return None
    owed = claims_outstanding(case=case, on=case.order_due)
    unpaid = [amount for amount in owed if amount > 0]
    return Arrears(workers=len(unpaid), total=sum(unpaid, ZERO), largest=max(unpaid, default=ZERO))


def listings_current(*, today: dt.date) -> QuerySet[Listing]:
    """Listings in force today: decided, and today within their term."""
    return Listing.objects.filter(
        status=ListingStatus.LISTED, listed_on__lte=today, ends_on__gte=today
    )


def organizations_listed(organization_ids: Collection[int]) -> dict[int, str]:
    """The organizations among these on the blacklist today, with why.

    Registered in ``QINGLING_EMPLOYER_FLAGS``: the return-to-work service never pushes
    the jobs of a listed employer, even after its case has closed.
    """
    rows = (
        listings_current(today=clock.local_today())
        .filter(organization_id__in=organization_ids)
        .order_by("organization_id", "listed_on", "id")
        .values_list("organization_id", "number", "ends_on")
    )
    flags: dict[int, str] = {}
    for organization_id, number, ends_on in rows:
        flags.setdefault(
            organization_id,
            _("On the wage-arrears blacklist (decision %(number)s) until %(ends_on)s.")
            % {"number": number, "ends_on": ends_on.isoformat() if ends_on else ""},
        )
    return flags


def blacklist_public(*, today: dt.date, query: str = "") -> QuerySet[Listing]:
    """The published blacklist: organizations listed today, newest decision first, with
    the persons listed with each (name and role only).

    Only what the public page shows is read (no case, no workers, no ID numbers).
    """
    persons = ListingPerson.objects.select_related("person").only(
        "listing_id", "role", "person__name"
    )
    listings = (
        listings_current(today=today)
        .select_related("organization")
        .prefetch_related(Prefetch("listed_persons", queryset=persons.order_by("id")))
    )
    words = query.split()
    for word in words[:5]:
        listings = listings.filter(organization__name__icontains=word)
    return listings.only(
        "public_id",
        "number",
        "ground",
        "listed_on",
        "ends_on",
        "organization__name",
        "organization__credit_code",
    ).order_by("-listed_on", "-sequence")


def people_linked_under(prefix: str) -> QuerySet[ListingPerson, Any]:
    """The ids of the people listed with a listing from a case under this prefix.

    Registered in ``QINGLING_PERSON_LINKS``.
    """
    return ListingPerson.objects.filter(listing__case__division__code__startswith=prefix).values(
        "person_id"
    )


def organizations_linked_under(prefix: str) -> QuerySet[Listing, Any]:
    """The ids of the organizations listed from a case under this division-code prefix.

    Registered in ``QINGLING_ORGANIZATION_LINKS``.
    """
    return Listing.objects.filter(case__division__code__startswith=prefix).values("organization_id")


# --- the transfer to the police (移送) ---------------------------------------------------------

ONE_WORKER = 1
TEN_WORKERS = 10  # 法释〔2013〕3号 Art. 3 (2): ten or more workers, cumulative amount


@dataclass(frozen=True)
class CrimeThreshold:
    """数额较大 in force (法释〔2013〕3号 Art. 3): the deployment's province, its two figures
    and their source; ``stand_in`` when the province has no row of its own and another
    province's figures are used (system check ``qingling.sanctions.W001``)."""

    province: str
    one_worker: Decimal
    ten_workers: Decimal
    source: str
    stand_in: bool


def crime_threshold() -> CrimeThreshold:
    province = settings.QINGLING_PROVINCE
    own = settings.QINGLING_CRIME_THRESHOLDS.get(province)
    row = own or settings.QINGLING_CRIME_THRESHOLDS[settings.QINGLING_CRIME_THRESHOLD_STAND_IN]
    source = str(row.get("source", ""))
    if own is None:
        source = _("%(source)s — standing in: province %(province)s has not set its own") % {
            "source": source,
            "province": province,
        }
    return CrimeThreshold(
        province=province,
        one_worker=Decimal(settings.QINGLING_CRIME_THRESHOLD_ONE_WORKER),
        ten_workers=Decimal(settings.QINGLING_CRIME_THRESHOLD_TEN_WORKERS),
        source=source,
        stand_in=own is None,
    )


@dataclass(frozen=True)
class ReferralConditions:
    """What a case's records say about the elements of 拒不支付劳动报酬罪 (刑法 Art. 276-1,
    法释〔2013〕3号 Arts. 2–4), computed on ``today`` from the claims, payments, the order
    and the evasion evidence; the "three months' pay" is the inspector's statement."""

    threshold: CrimeThreshold
    workers_unpaid: int
    total_unpaid: Decimal
    largest_unpaid: Decimal
    three_months_pay: bool
    order_issued_on: dt.date | None
    order_due: dt.date | None
    order_unpaid: bool
    evasions: tuple[str, ...]  # the Evasion.Kind values on record

    @property
    def one_worker_amount(self) -> bool:
        return (
            self.workers_unpaid >= ONE_WORKER and self.largest_unpaid >= self.threshold.one_worker
        )

    @property
    def one_worker(self) -> bool:
        """Art. 3 (1): one worker, three months' pay or more, at least the province's figure."""
        return self.one_worker_amount and self.three_months_pay

    @property
    def ten_workers(self) -> bool:
        """Art. 3 (2): ten or more workers, together at least the province's figure."""
        return (
            self.workers_unpaid >= TEN_WORKERS and self.total_unpaid >= self.threshold.ten_workers
        )

    @property
    def amount_reached(self) -> bool:
        return self.one_worker or self.ten_workers

    @property
    def evasion(self) -> bool:
        return bool(self.evasions)

    def as_json(self) -> dict[str, Any]:
        return {
            "province": self.threshold.province,
            "one_worker_figure": str(self.threshold.one_worker),
            "ten_workers_figure": str(self.threshold.ten_workers),
            "threshold_source": self.threshold.source,
            "workers_unpaid": self.workers_unpaid,
            "total_unpaid": str(self.total_unpaid),
            "largest_unpaid": str(self.largest_unpaid),
            "three_months_pay": self.three_months_pay,
            "one_worker": self.one_worker,
            "ten_workers": self.ten_workers,
            "order_issued_on": self.order_issued_on.isoformat() if self.order_issued_on else None,
            "order_due": self.order_due.isoformat() if self.order_due else None,
            "order_unpaid": self.order_unpaid,
            "evasions": list(self.evasions),
        }


def referral_conditions(
    *, case: Case, today: dt.date, three_months_pay: bool = False
) -> ReferralConditions:
    """The conditions of a transfer as the case's records show them today: what each
    worker is still owed (``cases.selectors.claims_outstanding``), the order to pay left
    unpaid after its date (``cases.deadlines.order_overdue``) and the evasion evidence."""
    owed = [amount for amount in claims_outstanding(case=case) if amount > 0]
    return ReferralConditions(
        threshold=crime_threshold(),
        workers_unpaid=len(owed),
        total_unpaid=sum(owed, ZERO),
        largest_unpaid=max(owed, default=ZERO),
        three_months_pay=three_months_pay,
        order_issued_on=case.order_issued_on,
        order_due=case.order_due,
        order_unpaid=order_overdue(case, today=today),
        evasions=tuple(sorted(set(case.evasions.values_list("kind", flat=True)))),
    )


def case_evasions(*, case: Case) -> QuerySet[Evasion]:
    return case.evasions.prefetch_related("files").select_related("recorded_by")


def police_organ_for(case: Case) -> str:
    """The police organ offered for the case: its division's, else the city's."""
    organs = settings.QINGLING_POLICE_ORGANS
    return str(organs.get(case.division_id) or organs.get(settings.QINGLING_CITY_DIVISION, ""))


def prosecutor_for(case: Case) -> str:
    prosecutors = settings.QINGLING_PROSECUTORS
    return str(
        prosecutors.get(case.division_id) or prosecutors.get(settings.QINGLING_CITY_DIVISION, "")
    )


def referral_list_for_user(*, user: object, status: str = "") -> QuerySet[Referral]:
    """Transfers from cases of the user's jurisdiction."""
    prefix = jurisdiction_prefix(user)
    if prefix is None or not can(user, Perm.CASE_VIEW):
        return Referral.objects.none()
    divisions = Division.objects.filter(code__startswith=prefix).values("code")
    referrals = Referral.objects.filter(case__division_id__in=divisions).select_related(
        "case", "case__respondent", "case__division"
    )
    if status == "open":
        referrals = referrals.filter(status__in=REFERRAL_OPEN_STATUSES)
    elif status:
        referrals = referrals.filter(status=status)
    return referrals


def referral_get_for_user(*, user: object, public_id: uuid.UUID) -> Referral:
    try:
        return referral_list_for_user(user=user).get(public_id=public_id)
    except Referral.DoesNotExist:
        raise Http404 from None


def case_referrals(*, case: Case) -> QuerySet[Referral]:
    return case.referrals.order_by("-proposed_on", "-id")


def case_has_sent_referral(*, case: Case) -> bool:
    """Whether a transfer of this case reached the police (``sent_at`` recorded).

    Registered in ``QINGLING_CLOSING_RECORDS``: a case closes as "transferred to the
    police" only then."""
    return Referral.objects.filter(case=case, sent_at__isnull=False).exists()


def case_referral_facts(*, case: Case, user: object) -> list[CaseFact]:
    """The case page's line about the transfer to the police (registered in
    ``QINGLING_CASE_FACTS``): the latest transfer, its stage and the police's decision,
    or a link to propose one for an inspector of the case whose order is unpaid."""
    label = _("Transfer to the police")
    referral = case_referrals(case=case).first()
    if referral is not None:
        value = referral.get_status_display()
        if referral.sent_at:
            value += " · " + _("sent %(when)s to %(organ)s") % {
                "when": timezone_local(referral.sent_at),
                "organ": referral.police_organ,
            }
        if referral.accepted_on:
            value += " · " + _("police opened a criminal case on %(date)s (%(doc)s)") % {
                "date": referral.accepted_on.isoformat(),
                "doc": referral.accepted_document,
            }
        elif referral.declined_on:
            value += " · " + _("police declined on %(date)s (%(doc)s)") % {
                "date": referral.declined_on.isoformat(),
                "doc": referral.declined_document,
            }
        return [
            CaseFact(
                key="referral",
                label=label,
                value=value,
                url=reverse("sanctions:referral_detail", args=[referral.public_id]),
                link_text=_("Open the transfer"),
            )
        ]
    if can(user, Perm.CASE_WORK) and covers(user, case.division_id) and case.order_issued_on:
        return [
            CaseFact(
                key="referral",
                label=label,
                value="—",
                url=reverse("sanctions:referral_propose", args=[case.public_id]),
                link_text=_("Propose a transfer to the police"),
            )
        ]
    return []


def timezone_local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# --- the blacklist procedure's reads ------------------------------------------------------------


def listing_documents(*, listing: Listing) -> list[Document]:
    """The listing's own documents (notice, decision, removal), as case documents."""
    ids = [listing.notice_document_id, listing.decision_document_id, listing.removal_document_id]
    return list(Document.objects.filter(pk__in=[i for i in ids if i]).prefetch_related("services"))


PEOPLE_LIMIT = 50


def listing_people(*, listing: Listing) -> list[tuple[Person, str]]:
    """The organization's people the decision form offers, each with the role it is
    offered with ("" for none): its legal representative on file, the people proposed
    with this listing, those listed with the organization before, and the leaders of the
    work teams it engaged. The form lists any number of them in any role."""
    organization = listing.organization
    offered: dict[int, str] = {}
    if organization.legal_representative_id:
        offered[organization.legal_representative_id] = ListingPerson.Role.LEGAL_REPRESENTATIVE
    for person_id, role in listing.listed_persons.values_list("person_id", "role"):
        offered.setdefault(person_id, role)
    earlier = ListingPerson.objects.filter(listing__organization=organization).values("person_id")
    teams = ProjectParty.objects.filter(
        role=ProjectParty.Role.TEAM, engaged_by__organization=organization
    ).values("leader_id")
    people = (
        Person.objects.filter(Q(pk__in=list(offered)) | Q(pk__in=earlier) | Q(pk__in=teams))
        .only("pk", "name", "id_number_masked")
        .order_by("name", "id")[:PEOPLE_LIMIT]
    )
    chosen = sorted(people, key=lambda person: (person.pk not in offered, person.name, person.pk))
    return [(person, offered.get(person.pk, "")) for person in chosen]


# --- the sharing feed (联合惩戒, docs/sanctions.md) ---------------------------------------------

FEED_LIMIT = 500


def feed_line(event: ListingEvent) -> dict[str, Any]:
    """One feed line: the cursor, the day and the payload written when it happened."""
    return {"cursor": event.pk, "occurred_on": event.occurred_on.isoformat(), **event.payload}


def feed_events(*, after: int = 0, limit: int = FEED_LIMIT) -> list[ListingEvent]:
    """Feed lines after the cursor ``after``, oldest first."""
    events = ListingEvent.objects.filter(pk__gt=after).order_by("id")
    return list(events[: max(1, min(limit, FEED_LIMIT))])


def feed_events_on(*, day: dt.date) -> QuerySet[ListingEvent]:
    return ListingEvent.objects.filter(occurred_on=day).order_by("id")


# --- 守法诚信档案 (条例 Art. 47): an employer's record --------------------------------------------


@dataclass(frozen=True)
class RecordRow:
    """One entry of an employer's record: what, when, its reference and a link."""

    kind: str
    day: dt.date | None
    reference: str
    summary: str
    url: str = ""


RECORD_HEADERS = (
    gettext_lazy("Kind"),
    gettext_lazy("Date"),
    gettext_lazy("Reference"),
    gettext_lazy("Summary"),
)


def _decision_rows(cases: QuerySet[Case]) -> list[RecordRow]:
    """The handling decisions (行政处理决定: the extra compensation ordered) and the
    penalties (行政处罚决定: each fine) of ``cases``, from the decision procedure
    (``cases.models.Proceeding``, ``Compensation``, ``Penalty``): number, date and
    amounts. Two queries, whatever the number of cases."""
    rows: list[RecordRow] = []
    proceedings = (
        Proceeding.objects.filter(case__in=cases, decision__isnull=False)
        .select_related("case", "decision")
        .annotate(
            ordered=Sum("compensations__amount"),
            paid=Sum("compensations__paid"),
            workers=Count("compensations"),
        )
    )
    for proceeding in proceedings:
        assert proceeding.decision is not None
        rows.append(
            RecordRow(
                str(_("Handling decision")),
                proceeding.decided_on,
                proceeding.decision.number,
                _(
                    "case %(case)s · extra compensation %(ordered)s yuan for %(workers)d "
                    "workers, %(paid)s yuan paid · %(status)s"
                )
                % {
                    "case": proceeding.case.number,
                    "ordered": money(proceeding.ordered),
                    "workers": proceeding.workers,
                    "paid": money(proceeding.paid),
                    "status": proceeding.get_status_display(),
                },
                reverse("cases:case_detail", args=[proceeding.case.public_id]),
            )
        )
    penalties = Penalty.objects.filter(proceeding__case__in=cases).select_related(
        "proceeding__case", "proceeding__penalty_decision"
    )
    for penalty in penalties:
        decision = penalty.proceeding.penalty_decision
        if penalty.paid_on:
            paid = _("paid %(amount)s yuan on %(date)s (receipt %(receipt)s)") % {
                "amount": penalty.paid_amount or penalty.amount,
                "date": penalty.paid_on.isoformat(),
                "receipt": penalty.receipt_number,
            }
        else:
            paid = _("unpaid, due %(date)s") % {
                "date": penalty.due.isoformat() if penalty.due else "—"
            }
        rows.append(
            RecordRow(
                str(_("Penalty")),
                penalty.decided_on,
                decision.number if decision else penalty.proceeding.case.number,
                _("case %(case)s · fine %(amount)s yuan · %(paid)s")
                % {"case": penalty.proceeding.case.number, "amount": penalty.amount, "paid": paid},
                reverse("cases:case_detail", args=[penalty.proceeding.case.public_id]),
            )
        )
    return rows


def organization_record(*, organization: Organization, user: object) -> list[RecordRow]:
    """The employer's 守法诚信档案 as the user may see it: its cases, orders to pay,
    handling decisions and penalties, listings and transfers to the police, newest first.
    A fixed number of queries, whatever the number of rows."""
    if not can(user, Perm.CASE_VIEW):
        return []
    cases = case_list_for_user(user=user).filter(respondent=organization).order_by("opened_on")
    rows: list[RecordRow] = []
    for case in cases:
        url = reverse("cases:case_detail", args=[case.public_id])
        rows.append(
            RecordRow(
                str(_("Case")),
                case.opened_on,
                case.number,
                _("%(status)s · %(workers)d workers · %(amount)s yuan claimed")
                % {
                    "status": case.get_status_display(),
                    "workers": case.worker_count,
                    "amount": case.total_claimed,
                },
                url,
            )
        )
        if case.order_issued_on:
            due = case.order_due.isoformat() if case.order_due else "—"
            rows.append(
                RecordRow(
                    str(_("Order to pay")),
                    case.order_issued_on,
                    case.number,
                    _("pay by %(date)s") % {"date": due},
                    url,
                )
            )
    rows += _decision_rows(cases)
    for listing in listing_list_for_user(user=user).filter(organization=organization):
        rows.append(
            RecordRow(
                str(_("Blacklist")),
                listing.listed_on or listing.proposed_on,
                listing.number or listing.case.number,
                str(listing.get_status_display())
                + (
                    f" · {listing.listed_on} → {listing.removed_on or listing.ends_on}"
                    if listing.listed_on
                    else ""
                ),
                reverse("sanctions:listing_detail", args=[listing.public_id]),
            )
        )
    for referral in referral_list_for_user(user=user).filter(case__respondent=organization):
        rows.append(
            RecordRow(
                str(_("Transfer to the police")),
                timezone.localdate(referral.sent_at) if referral.sent_at else referral.proposed_on,
                referral.number or referral.case.number,
                str(referral.get_status_display()),
                reverse("sanctions:referral_detail", args=[referral.public_id]),
            )
        )
    rows.sort(key=lambda row: (row.day or dt.date.min, row.reference), reverse=True)
    return rows


def organization_record_section(
    *, organization: Organization, user: object
) -> OrganizationSection | None:
    """The organization page's record section (registered in
    ``QINGLING_ORGANIZATION_SECTIONS``; parties imports nothing of sanctions)."""
    if not can(user, Perm.CASE_VIEW):
        return None
    rows = organization_record(organization=organization, user=user)
    return OrganizationSection(
        key="record",
        title=str(_("Record of compliance and good faith (守法诚信档案)")),
        headers=[str(h) for h in RECORD_HEADERS],
        rows=[
            (
                [row.kind, row.day.isoformat() if row.day else "—", row.reference, row.summary],
                row.url,
            )
            for row in rows
        ],
        export_url=reverse("sanctions:organization_record_export", args=[organization.public_id]),
        export_label=str(_("Download as XLSX")),
    )


def organization_record_xlsx(*, organization: Organization, user: object) -> bytes:
    """The record as an XLSX workbook (text cells through ``core.spreadsheets``)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="守法诚信档案")
    sheet.append(xlsx_row(sheet, [organization.name, organization.credit_code or "—"]))
    sheet.append(xlsx_row(sheet, [str(h) for h in RECORD_HEADERS]))
    for row in organization_record(organization=organization, user=user):
        sheet.append(
            xlsx_row(
                sheet,
                [row.kind, row.day.isoformat() if row.day else "", row.reference, row.summary],
            )
        )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
