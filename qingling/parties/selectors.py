"""Reads for people, organizations and projects; the access helpers are the only door."""

import uuid

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from qingling.accounts.permissions import Perm, can, jurisdiction_prefix
from qingling.core.personal_data import blind_index
from qingling.core.validators import validate_credit_code, validate_id_number, validate_mobile
from qingling.parties.models import Organization, Person, Project, ProjectParty


def _visible_or_404(user: object) -> None:
    if not can(user, Perm.PARTY_VIEW):
        raise Http404


def person_search(*, user: object, query: str = "") -> QuerySet[Person]:
    """Find people by exact ID or mobile number (through the blind index) or by name."""
    if not can(user, Perm.PARTY_VIEW):
        return Person.objects.none()
    people = Person.objects.all()
    query = query.strip()
    if not query:
        return people
    try:
        return people.filter(
            id_number_digest=blind_index(validate_id_number(query), purpose="id_number")
        )
    except ValidationError:
        pass
    try:
        return people.filter(phone_digest=blind_index(validate_mobile(query), purpose="phone"))
    except ValidationError:
        pass
    return people.filter(name__icontains=query)


def person_get(*, user: object, public_id: uuid.UUID) -> Person:
    _visible_or_404(user)
    try:
        return Person.objects.get(public_id=public_id)
    except Person.DoesNotExist:
        raise Http404 from None


def organization_search(*, user: object, query: str = "") -> QuerySet[Organization]:
    if not can(user, Perm.PARTY_VIEW):
        return Organization.objects.none()
    organizations = Organization.objects.select_related("division", "legal_representative")
    query = " ".join(query.split())
    if not query:
        return organizations
    try:
        return organizations.filter(credit_code=validate_credit_code(query))
    except ValidationError:
        return organizations.filter(name__icontains=query)


def organization_get(*, user: object, public_id: uuid.UUID) -> Organization:
    _visible_or_404(user)
    try:
        return Organization.objects.select_related("division", "legal_representative").get(
            public_id=public_id
        )
    except Organization.DoesNotExist:
        raise Http404 from None


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


def organization_projects(*, user: object, organization: Organization) -> QuerySet[Project]:
    return project_list_for_user(user=user).filter(parties__organization=organization).distinct()
