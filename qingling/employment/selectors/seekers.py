"""Reads of the survey: the seeker list, the daily report by township, recommendations."""

import dataclasses
import datetime as dt
import uuid
from typing import Any

from django.core import signing
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from qingling.accounts.permissions import jurisdiction_prefix
from qingling.employment.matching import Match, PostingIndex, rank_seekers
from qingling.employment.models import Introduction, Posting, Seeker
from qingling.employment.selectors.postings import (
    posting_profiles,
    postings_offerable,
    seeker_profiles,
)


def seekers_for_user(*, user: object) -> QuerySet[Seeker]:
    """The registrations a member of staff may see: those of the counties their unit
    covers (a county's officer sees the county's workers); nothing without one."""
    prefix = jurisdiction_prefix(user)
    if prefix is None:
        return Seeker.objects.none()
    return Seeker.objects.filter(division__code__startswith=prefix)


def seeker_list(
    *,
    user: object,
    query: str = "",
    division_code: str = "",
    township: str = "",
    going_out: bool | None = None,
    job_confirmed: bool | None = None,
) -> QuerySet[Seeker]:
    seekers = seekers_for_user(user=user).select_related(
        "person", "division", "confirmed_destination"
    )
    if query.strip():
        seekers = seekers.filter(
            Q(person__name__icontains=query.strip()) | Q(village__icontains=query.strip())
        )
    if division_code:
        seekers = seekers.filter(division_id=division_code)
    if township:
        seekers = seekers.filter(township=township)
    if going_out is not None:
        seekers = seekers.filter(going_out=going_out)
    if job_confirmed is not None:
        seekers = seekers.filter(job_confirmed=job_confirmed)
    return seekers


def seeker_get(*, user: object, public_id: uuid.UUID) -> Seeker:
    seeker = seeker_list(user=user).filter(public_id=public_id).first()
    if seeker is None:
        raise Http404
    return seeker


@dataclasses.dataclass(frozen=True)
class DailyRow:
    county: str
    township: str
    registered_today: int
    registered: int
    going_out: int
    job_confirmed: int
    transport_needed: int


def seeker_daily_report(*, user: object, day: dt.date) -> list[DailyRow]:
    """日报: per township, the registrations of ``day`` and the running totals up to it.

    Townships with nothing yet still appear once they have any registration, so a
    grid that reports zero today is visible as zero (the 零报告 habit).
    """
    rows = (
        seekers_for_user(user=user)
        .filter(registered_on__lte=day)
        .values("division__name", "division_id", "township")
        .annotate(
            n_today=Count("id", filter=Q(registered_on=day)),
            n_all=Count("id"),
            n_going=Count("id", filter=Q(going_out=True)),
            n_confirmed=Count("id", filter=Q(job_confirmed=True)),
            n_bus=Count("id", filter=Q(transport_needed=True, going_out=True)),
        )
        .order_by("division_id", "township")
    )
    return [
        DailyRow(
            county=row["division__name"],
            township=row["township"],
            registered_today=row["n_today"],
            registered=row["n_all"],
            going_out=row["n_going"],
            job_confirmed=row["n_confirmed"],
            transport_needed=row["n_bus"],
        )
        for row in rows
    ]


def seeker_townships(*, user: object) -> list[tuple[str, str]]:
    """(county code, township) pairs that have registrations, for filters."""
    return list(
        seekers_for_user(user=user)
        .order_by("division_id", "township")
        .values_list("division_id", "township")
        .distinct()
    )


def township_names() -> list[str]:
    """The townships and streets already written on registrations, to offer as a list
    (there is no township table: they stay free text)."""
    return list(
        Seeker.objects.exclude(township="")
        .order_by("township")
        .values_list("township", flat=True)
        .distinct()[:500]
    )


def recommendations_for_seeker(
    *, seeker: Seeker, today: dt.date, k: int = 10
) -> list[tuple[Posting, Match]]:
    """The best offerable postings for one worker, with the reasons; none for a worker
    who refused recommendations chosen from their profile (PIPL Art. 24)."""
    if not seeker.personalised:
        return []
    (profile,) = seeker_profiles(Seeker.objects.filter(pk=seeker.pk))
    offerable = postings_offerable(
        today=today, occupations=profile.occupations, places=profile.destinations
    )
    postings = {p.pk: p for p in offerable}
    index = PostingIndex(posting_profiles(postings.values()))
    return [(postings[m.id], m) for m in index.for_seeker(profile, k=k)]


def candidates_for_posting(
    *, user: object, posting: Posting, k: int = 20
) -> list[tuple[Seeker, Match]]:
    """The best workers for one posting: going out without a job, who agreed to be
    contacted and to recommendations from their profile, and who could take it (the
    occupation and place filters run in SQL, so only plausible workers are loaded)."""
    occupation = posting.occupation_id
    place = posting.place_id
    wanted_places = {place, place[:4] + "00", place[:2] + "0000"}
    pool = (
        seeker_list(user=user, going_out=True, job_confirmed=False)
        .filter(contact_consent=True, opted_out_at__isnull=True, personalised=True)
        .filter(
            Q(occupations__isnull=True)
            | Q(occupations__code__in=[occupation, occupation.split("-")[0]])
        )
        .filter(Q(destinations__isnull=True) | Q(destinations__code__in=wanted_places))
        .exclude(introductions__posting=posting)
        .distinct()
    )
    seekers = {s.pk: s for s in pool}
    (profile,) = posting_profiles([posting])
    ranked = rank_seekers(profile, seeker_profiles(Seeker.objects.filter(pk__in=seekers)), k=k)
    return [(seekers[m.id], m) for m in ranked]


def introduction_get(*, user: object, pk: int) -> Introduction:
    introduction = (
        Introduction.objects.filter(seeker__in=seekers_for_user(user=user), pk=pk)
        .select_related("seeker", "posting__employer", "posting__place")
        .first()
    )
    if introduction is None:
        raise Http404
    return introduction


def seeker_introductions(*, seeker: Seeker) -> QuerySet[Introduction]:
    return seeker.introductions.select_related("posting", "posting__employer", "posting__place")


def posting_introductions(*, posting: Posting) -> QuerySet[Introduction]:
    return posting.introductions.select_related("seeker", "seeker__person")


STOP_SALT = "qingling.employment.stop"


def seeker_stop_path(seeker: Seeker) -> str:
    """The worker's own opt-out link, for every message sent to them: a signed token of
    the registration's public id, so that it works without a mobile number (a WeChat-only
    worker) and cannot be guessed for someone else."""
    token = signing.dumps(str(seeker.public_id), salt=STOP_SALT, compress=True)
    return reverse("jobs:stop_token", args=[token])


def seeker_from_stop_token(token: str) -> Seeker:
    try:
        public_id = signing.loads(token, salt=STOP_SALT)
        return Seeker.objects.get(public_id=uuid.UUID(str(public_id)))
    except (signing.BadSignature, ValueError, Seeker.DoesNotExist):
        raise Http404 from None


def people_linked_under(prefix: str) -> QuerySet[Seeker, Any]:
    """The ids of the people registered as seekers in a county under this prefix.

    Registered in ``QINGLING_PERSON_LINKS``: a county's employment staff may learn the
    numbers of the workers they survey.
    """
    return Seeker.objects.filter(division__code__startswith=prefix).values("person_id")
