"""Reads of the blacklist: the staff list and its access helper, a case's arrears after
its order, the employment flag source and the public list."""

import datetime as dt
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from qingling.accounts.permissions import Perm, can, jurisdiction_prefix
from qingling.cases.amounts import ZERO
from qingling.cases.models import Case
from qingling.cases.selectors import claims_outstanding
from qingling.core import clock
from qingling.core.models import Division
from qingling.sanctions.lifecycle import ListingStatus
from qingling.sanctions.models import Listing, ListingPerson


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
    """The published blacklist: organizations listed today, newest decision first.

    Only what the public page shows is read (no case, no persons, no workers).
    """
    listings = listings_current(today=today).select_related("organization")
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
