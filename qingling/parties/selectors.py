"""Reads for people, organizations and projects; the access helpers are the only door."""

import operator
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, reduce
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.module_loading import import_string

from qingling.accounts.permissions import Perm, can, covers_whole_city, jurisdiction_prefix
from qingling.core.personal_data import blind_index
from qingling.core.validators import validate_credit_code, validate_id_number, validate_mobile
from qingling.parties.matching import (
    CANDIDATE_THRESHOLD,
    NameParts,
    name_key,
    normalize_code,
    rank_keys,
    similarity,
)
from qingling.parties.models import Organization, Person, Project, ProjectParty, RosterEntry


def id_number_filter(digest: str) -> Q:
    """The person with this ID-number digest. Restating the unique constraint's condition
    lets SQLite use its partial index; without it every lookup read the whole table."""
    return Q(id_number_digest=digest) & ~Q(id_number_digest="")


def _visible_or_404(user: object) -> None:
    if not can(user, Perm.PARTY_VIEW):
        raise Http404


PersonalField = Literal["id_number", "phone"]
PersonLinks = Callable[[str], QuerySet[Any, Any]]


@cache
def _link_sources(paths: tuple[str, ...]) -> list[PersonLinks]:
    return [import_string(path) for path in paths]


def person_jurisdiction_filter(*, user: object) -> Q:
    """The people whose full numbers the user may learn (reveal, or find by number).

    A person belongs to a jurisdiction through what links them to a division: a roster
    entry, a work team they lead or a project they are the wage officer of (the
    project's division), an organization they represent (its division), and whatever
    the later apps register in ``QINGLING_PERSON_LINKS`` (complaints, claims, seekers'
    registrations, blacklist listings). City-wide staff cover everyone, also the people
    linked to nothing yet; a county's staff only those linked to a division of their
    county; anyone else nobody.
    """
    prefix = jurisdiction_prefix(user)
    if prefix is None:
        return Q(pk__in=[])
    if covers_whole_city(user):
        return Q()
    under = {"division__code__startswith": prefix}
    project_under = {"project__division__code__startswith": prefix}
    links: list[QuerySet[Any, Any]] = [
        RosterEntry.objects.filter(**project_under).values("worker_id"),
        ProjectParty.objects.filter(leader__isnull=False, **project_under).values("leader_id"),
        Project.objects.filter(wage_officer__isnull=False, **under).values("wage_officer_id"),
        Organization.objects.filter(legal_representative__isnull=False, **under).values(
            "legal_representative_id"
        ),
    ]
    links += [source(prefix) for source in _link_sources(tuple(settings.QINGLING_PERSON_LINKS))]
    return reduce(operator.or_, (Q(pk__in=linked) for linked in links))


def person_in_jurisdiction(*, user: object, person: Person) -> bool:
    """Whether the user may learn this person's full numbers (see person_jurisdiction_filter)."""
    return Person.objects.filter(person_jurisdiction_filter(user=user), pk=person.pk).exists()


def personal_number_read(query: str) -> tuple[PersonalField, str] | None:
    """The kind and normal form of a full ID or mobile number typed as a query; else None."""
    query = query.strip()
    for field, validate in (("id_number", validate_id_number), ("phone", validate_mobile)):
        try:
            return field, validate(query)  # type: ignore[return-value]
        except ValidationError:
            continue
    return None


def person_search(*, user: object, query: str = "") -> QuerySet[Person]:
    """Find people by name, or by exact ID or mobile number (through the blind index).

    A search by a full number confirms the number, so it finds only the people whose
    numbers the user may learn (``person_jurisdiction_filter``); the view counts and
    records it as a reveal (``services.person_number_search_record``).
    """
    if not can(user, Perm.PARTY_VIEW):
        return Person.objects.none()
    people = Person.objects.all()
    query = query.strip()
    if not query:
        return people
    number = personal_number_read(query)
    if number is None:
        return people.filter(name__icontains=query)
    field, value = number
    people = people.filter(person_jurisdiction_filter(user=user))
    if field == "id_number":
        return people.filter(id_number_filter(blind_index(value, purpose="id_number")))
    return people.filter(phone_digest=blind_index(value, purpose="phone"))


def person_get(*, user: object, public_id: uuid.UUID) -> Person:
    _visible_or_404(user)
    try:
        return Person.objects.get(public_id=public_id)
    except Person.DoesNotExist:
        raise Http404 from None


def _organizations_linked_under(prefix: str) -> list[QuerySet[Any, Any]]:
    """The querysets of the ids of the organizations linked to a division under ``prefix``:
    a party to a project there (parties' own), and what ``QINGLING_ORGANIZATION_LINKS``
    names (complaints, cases, inspections' findings, postings, listings)."""
    links: list[QuerySet[Any, Any]] = [
        ProjectParty.objects.filter(
            organization__isnull=False, project__division__code__startswith=prefix
        ).values("organization_id")
    ]
    links += [
        source(prefix) for source in _link_sources(tuple(settings.QINGLING_ORGANIZATION_LINKS))
    ]
    return links


def organization_jurisdiction_filter(*, user: object) -> Q:
    """The organizations the user may see, as a filter on ``Organization``.

    The same rule as for people (``person_jurisdiction_filter``) and for cases: city-wide
    staff see every organization, also those on no file yet; a county's staff those
    registered in a division of the county, and those linked to a record of it (a party
    to a project there, the employer of a complaint placed there, the respondent of a
    case there, the respondent of an inspection's finding there, the employer of a
    posting there, a listing from a case there); anyone else none. The later apps give
    their links through ``QINGLING_ORGANIZATION_LINKS``, so parties imports none of them.
    """
    prefix = jurisdiction_prefix(user)
    if prefix is None or not can(user, Perm.PARTY_VIEW):
        return Q(pk__in=[])
    if covers_whole_city(user):
        return Q()
    linked = (Q(pk__in=ids) for ids in _organizations_linked_under(prefix))
    return reduce(operator.or_, linked, Q(division__code__startswith=prefix))


def organization_edit_filter(*, user: object) -> Q:
    """The organizations the user may edit (a subset of those they may see).

    City-wide staff edit every organization. A county's staff edit those registered in a
    division of their county, and those with no division recorded that are linked to a
    record of their county. Not those registered in another county that merely work in
    theirs (a builder of a project there): the record of who an organization is (its
    name, credit code, legal representative) is kept by the county it is registered in,
    and a change made from another county would silently change it under that county's
    cases. An organization with no division recorded belongs to no county yet, so whoever
    works with it keeps it.
    """
    prefix = jurisdiction_prefix(user)
    if prefix is None or not can(user, Perm.PARTY_EDIT):
        return Q(pk__in=[])
    if covers_whole_city(user):
        return Q()
    linked = reduce(operator.or_, (Q(pk__in=ids) for ids in _organizations_linked_under(prefix)))
    return Q(division__code__startswith=prefix) | (Q(division__isnull=True) & linked)


def organization_list_for_user(*, user: object, query: str = "") -> QuerySet[Organization]:
    """The organizations the user may see (``organization_jurisdiction_filter``), found by
    credit code or by a part of the name."""
    if not can(user, Perm.PARTY_VIEW):
        return Organization.objects.none()
    organizations = Organization.objects.filter(
        organization_jurisdiction_filter(user=user)
    ).select_related("division", "legal_representative")
    query = " ".join(query.split())
    if not query:
        return organizations
    try:
        return organizations.filter(credit_code=validate_credit_code(query))
    except ValidationError:
        return organizations.filter(name__icontains=query)


def organization_get_for_user(*, user: object, public_id: uuid.UUID) -> Organization:
    """The organization if the user may see it; 404 otherwise, as for one that does not
    exist (so its existence is not revealed)."""
    try:
        return organization_list_for_user(user=user).get(public_id=public_id)
    except Organization.DoesNotExist:
        raise Http404 from None


def organization_visible(*, user: object, organization: Organization) -> bool:
    """Whether the user may see this organization (see organization_jurisdiction_filter)."""
    return (
        can(user, Perm.PARTY_VIEW)
        and Organization.objects.filter(
            organization_jurisdiction_filter(user=user), pk=organization.pk
        ).exists()
    )


def organization_may_edit(*, user: object, organization: Organization) -> bool:
    """Whether the user may edit this organization (see organization_edit_filter)."""
    return Organization.objects.filter(
        organization_edit_filter(user=user), pk=organization.pk
    ).exists()


def project_list_for_user(*, user: object, query: str = "") -> QuerySet[Project]:
    """Projects inside the user's jurisdiction, newest first."""
    prefix = jurisdiction_prefix(user)
    if prefix is None or not can(user, Perm.PARTY_VIEW):
        return Project.objects.none()
    projects = Project.objects.filter(division__code__startswith=prefix).select_related("division")
    query = " ".join(query.split())
    if query:
        projects = projects.filter(
            Q(name__icontains=query) | Q(parties__organization__name__icontains=query)
        ).distinct()
    return projects


def project_get_for_user(*, user: object, public_id: uuid.UUID) -> Project:
    try:
        return (
            project_list_for_user(user=user).select_related("wage_officer").get(public_id=public_id)
        )
    except Project.DoesNotExist:
        raise Http404 from None


def project_parties(*, project: Project) -> QuerySet[ProjectParty]:
    return project.parties.select_related(
        "organization", "leader", "engaged_by__organization", "engaged_by__leader"
    )


def project_teams(*, project: Project) -> QuerySet[ProjectParty]:
    """The project's work teams (班组) with their leaders."""
    return project.parties.filter(role=ProjectParty.Role.TEAM).select_related("leader")


def project_roster(*, project: Project) -> QuerySet[RosterEntry]:
    """The project's real-name roster (实名制) in the order the workers were entered."""
    return project.roster.select_related("worker", "team__leader").order_by("id")


def organization_projects(*, user: object, organization: Organization) -> QuerySet[Project]:
    return project_list_for_user(user=user).filter(parties__organization=organization).distinct()


MATCH_SHORTLIST = 20


def block_key_filter(field: str, parts: NameParts) -> Q | None:
    """Rows whose stored block key (``field``, see ``NameParts.block_key``) may be the same
    employer: a prefix range on the first two pinyin initials, which an index answers."""
    if len(parts.initials) >= 2:
        low = parts.initials[:2]
        return Q(**{f"{field}__gte": low, f"{field}__lt": low[0] + chr(ord(low[1]) + 1)})
    if parts.initials:
        return Q(**{field: parts.block_key})
    return None


def organization_match_candidates(
    *, name: str, credit_code: str = "", limit: int = 5, user: object = None
) -> list[tuple[Organization, float]]:
    """Organizations on file that may be the employer called `name`, best first, with scores.

    Without ``user`` the whole city's (the intake's on-arrival suggestions, read by
    city-wide staff, and the matching of a system's push); with it only those the user may
    see (``organization_jurisdiction_filter``), for a form in which they pick one.

    Why a stored key: `Organization.name_key` holds ``<initials>:<pinyin>`` of the
    trade name (字号), set by `_organization_apply` and indexed. Every name that can
    reach the match threshold against this one shares the first two pinyin
    initials of its trade name (a homophone or near-identical trade name keeps
    them; a single-syllable trade name must match its whole key), so one indexed
    range query (``name_key >= "xs" AND name_key < "xt"``, which both SQLite and
    PostgreSQL answer from the B-tree; unordered, or SQLite walks the name index)
    OR the exact credit code (its partial unique index) is the block.
    Only (id, key) pairs of the block are read (from the name_key index alone when no
    credit code is given); rapidfuzz ranks their pinyin in C and only a shortlist of
    whole rows is fetched and scored with `similarity`.
    Measured at 200,000 organizations (docs/performance.md): p95 17 ms on SQLite,
    14 ms on PostgreSQL. A ``name LIKE '%鑫%'`` prefilter cannot use an index,
    reads thousands of rows and parses each (p95 1.8 s); a full rapidfuzz scan
    is p95 365 ms; an in-process `matching.OrganizationIndex` would be fast but
    goes stale across web and worker processes and costs every process the
    memory and start-up of 200,000 parsed names.
    """
    parts = name_key(name)
    code = normalize_code(credit_code)
    terms = []
    if (same_block := block_key_filter("name_key", parts)) is not None:
        terms.append(same_block)
    if code:
        # Restating the unique constraint's condition lets SQLite use its partial index.
        terms.append(Q(credit_code=code) & ~Q(credit_code=""))
    if not terms:
        return []
    block = reduce(operator.or_, terms)
    columns = ("id", "name_key", "credit_code") if code else ("id", "name_key")
    rows = list(Organization.objects.filter(block).order_by().values_list(*columns))
    shortlist = {row[0] for row in rows if code and row[2] == code}
    if parts.pinyin:
        ranked = rank_keys(parts, [row[1] for row in rows], limit=max(MATCH_SHORTLIST, 4 * limit))
        shortlist.update(rows[position][0] for position in ranked)
    found = Organization.objects.filter(pk__in=shortlist).select_related("division")
    if user is not None:
        found = found.filter(organization_jurisdiction_filter(user=user))
    scored = [
        (
            organization,
            similarity(name, organization.name, code_a=code, code_b=organization.credit_code),
        )
        for organization in found
    ]
    kept = [(org, score) for org, score in scored if score >= CANDIDATE_THRESHOLD]
    kept.sort(key=lambda pair: (-pair[1], pair[0].name, pair[0].pk))
    return kept[:limit]


def person_find(*, id_number: str = "", name: str = "", phone: str = "") -> Person | None:
    """The person with this ID number, or with this name and mobile; None if nobody.

    For services that name a person in passing (a complainant); no access check, as
    nothing is shown from it.
    """
    if id_number:
        digest = blind_index(validate_id_number(id_number), purpose="id_number")
        return Person.objects.filter(id_number_filter(digest)).first()
    if name and phone:
        digest = blind_index(validate_mobile(phone), purpose="phone")
        return Person.objects.filter(name=name, phone_digest=digest).first()
    return None


@dataclass(frozen=True)
class OrganizationSection:
    """A section another app adds to the organization's page (``QINGLING_ORGANIZATION_SECTIONS``):
    a titled table, each row with an optional link, and an optional export link."""

    key: str
    title: str
    headers: list[str]
    rows: list[tuple[list[str], str]]  # (cells, url or "")
    export_url: str = ""
    export_label: str = ""


def organization_sections(*, organization: Organization, user: object) -> list[OrganizationSection]:
    """The sections the later apps give the organization's page (e.g. sanctions' record
    of compliance and good faith, 条例 Art. 47); parties imports none of them."""
    sections = []
    for path in settings.QINGLING_ORGANIZATION_SECTIONS:
        section = import_string(path)(organization=organization, user=user)
        if section is not None:
            sections.append(section)
    return sections
