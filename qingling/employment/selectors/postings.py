"""Reads of postings: the live ones, the employers' flags, the profiles matching reads.

An employer is *flagged* when any callable in ``QINGLING_EMPLOYER_FLAGS`` names it (an
open wage-arrears case, the blacklist): its postings are shown to staff with the reason
and never pushed, introduced or shown on the public board.
"""

import datetime as dt
import uuid
from collections.abc import Callable, Collection, Iterable
from functools import cache
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils.module_loading import import_string

from qingling.core.models import Division
from qingling.employment.matching import PostingProfile, SeekerProfile, place_prefix
from qingling.employment.models import Introduction, Posting, Seeker

FlagSource = Callable[[Collection[int]], dict[int, str]]


@cache
def _flag_sources(paths: tuple[str, ...]) -> list[FlagSource]:
    return [import_string(path) for path in paths]


def employer_flags(organization_ids: Iterable[int]) -> dict[int, list[str]]:
    """Why each of these organizations may not be pushed to workers; absent when clear."""
    ids = set(organization_ids)
    flags: dict[int, list[str]] = {}
    if not ids:
        return flags
    for source in _flag_sources(tuple(settings.QINGLING_EMPLOYER_FLAGS)):
        for organization_id, reason in source(ids).items():
            flags.setdefault(organization_id, []).append(str(reason))
    return flags


def posting_list(
    *,
    query: str = "",
    status: str = "",
    scope: str = "",
    collected_from: dt.date | None = None,
    collected_to: dt.date | None = None,
) -> QuerySet[Posting]:
    """Postings by words, status, inside/outside and the local date they were collected
    (the dashboard's ``postings_collected`` links here with that period)."""
    postings = Posting.objects.select_related("employer", "occupation", "place")
    if collected_from or collected_to:
        postings = postings.annotate(collected_on=TruncDate("created_at"))
        if collected_from:
            postings = postings.filter(collected_on__gte=collected_from)
        if collected_to:
            postings = postings.filter(collected_on__lte=collected_to)
    if query.strip():
        words = query.split()
        for word in words:
            postings = postings.filter(
                Q(title__icontains=word)
                | Q(employer__name__icontains=word)
                | Q(place__name__icontains=word)
                | Q(occupation__name__icontains=word)
            )
    if status in Posting.Status.values:
        postings = postings.filter(status=status)
    if scope in Posting.Scope.values:
        postings = postings.filter(scope=scope)
    return postings


def postings_live(*, today: dt.date) -> QuerySet[Posting]:
    """Published and not past their date: what workers may be offered today."""
    return posting_list().filter(status=Posting.Status.PUBLISHED, expires_on__gte=today)


def postings_offerable(
    *, today: dt.date, occupations: Iterable[str] = (), places: Iterable[str] = ()
) -> list[Posting]:
    """The live postings of employers nobody flags; narrowed in SQL, when given, to the
    occupation codes (a group or its major group) and places a worker asked for, the
    same hard filters the matching applies, so a worker's page loads only candidates."""
    postings = postings_live(today=today)
    if codes := list(occupations):
        postings = postings.filter(Q(occupation_id__in=codes) | Q(occupation__parent_id__in=codes))
    if prefixes := [place_prefix(code) for code in places]:
        wanted = Q()
        for prefix in prefixes:
            wanted |= Q(place__code__startswith=prefix)
        postings = postings.filter(wanted)
    found = list(postings)
    flagged = employer_flags({p.employer_id for p in found})
    return [p for p in found if p.employer_id not in flagged]


def posting_get(*, public_id: uuid.UUID) -> Posting:
    posting = posting_list().filter(public_id=public_id).first()
    if posting is None:
        raise Http404
    return posting


def posting_profile(posting: Posting, *, hired: int = 0) -> PostingProfile:
    return PostingProfile(
        id=posting.pk,
        occupation=posting.occupation_id,
        place=posting.place_id,
        starts_on=posting.starts_on,
        expires_on=posting.expires_on,
        pay_min=posting.pay_min,
        pay_max=posting.pay_max,
        openings=max(posting.headcount - hired, 0),
    )


def posting_profiles(postings: Iterable[Posting]) -> list[PostingProfile]:
    """Profiles with the openings left after the hires already made."""
    postings = list(postings)
    hired = _hired_counts([p.pk for p in postings])
    return [posting_profile(p, hired=hired.get(p.pk, 0)) for p in postings]


def _hired_counts(posting_ids: list[int]) -> dict[int, int]:
    rows = (
        Introduction.objects.filter(posting_id__in=posting_ids, status=Introduction.Status.HIRED)
        .values("posting_id")
        .annotate(n=Count("id"))
    )
    return {row["posting_id"]: row["n"] for row in rows}


def seeker_profiles(seekers: QuerySet[Seeker]) -> list[SeekerProfile]:
    """Profiles for matching, with two queries for the occupations and destinations."""
    rows = list(seekers.prefetch_related("occupations", "destinations"))
    return [
        SeekerProfile(
            id=seeker.pk,
            occupations=tuple(sorted(o.code for o in seeker.occupations.all())),
            destinations=tuple(sorted(d.code for d in seeker.destinations.all())),
            earliest=seeker.earliest,
            latest=seeker.latest,
            wage_expected=seeker.wage_expected,
        )
        for seeker in rows
    ]


def board_postings(
    *, today: dt.date, query: str = "", place: str = "", occupation: str = "", scope: str = ""
) -> QuerySet[Posting]:
    """The public board: live postings of unflagged employers, newest first."""
    postings = posting_list(query=query, scope=scope).filter(
        status=Posting.Status.PUBLISHED, expires_on__gte=today
    )
    if place.isdigit() and len(place) == 6:
        postings = postings.filter(place__code__startswith=place_prefix(place))
    if occupation:
        postings = postings.filter(
            Q(occupation_id=occupation) | Q(occupation__parent_id=occupation)
        )
    employers = set(postings.values_list("employer_id", flat=True).distinct())
    if flagged := employer_flags(employers):
        postings = postings.exclude(employer_id__in=flagged)
    return postings.order_by("-published_at", "-id")


def board_places(*, today: dt.date) -> list[tuple[str, str]]:
    """The provinces and cities that have live postings, for the board's filter."""
    codes = set(board_postings(today=today).order_by().values_list("place_id", flat=True))
    wanted = {code[:2] + "0000" for code in codes} | {code[:4] + "00" for code in codes}
    return list(Division.objects.filter(code__in=wanted).values_list("code", "name"))


def board_posting_get(*, today: dt.date, public_id: uuid.UUID) -> Posting:
    posting = board_postings(today=today).filter(public_id=public_id).first()
    if posting is None:
        raise Http404
    return posting


def organizations_linked_under(prefix: str) -> QuerySet[Posting, Any]:
    """The ids of the employers of the postings whose place of work is under this
    division-code prefix.

    Registered in ``QINGLING_ORGANIZATION_LINKS``: a county's staff see the employers
    hiring in it.
    """
    return Posting.objects.filter(place__code__startswith=prefix).values("employer_id")
