"""Writes for people, organizations and construction projects."""

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, Q
from django.utils.translation import gettext as _

from qingling.accounts.permissions import covers, covers_whole_city
from qingling.core.exceptions import (
    ApplicationError,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    TooManyRequests,
)
from qingling.core.models import Division
from qingling.core.personal_data import blind_index, mask_id_number, mask_phone, seal, unseal
from qingling.core.ratelimits import rate_limit_hit
from qingling.core.services import Actor, audit_event_record, audit_snapshot
from qingling.core.validators import validate_credit_code, validate_id_number, validate_mobile
from qingling.parties.imports import (
    RosterImportFailure,
    RosterImportResult,
    RosterRow,
    parse_roster_xlsx,
    read_roster_row,
    team_leader_names,
)
from qingling.parties.matching import block_key
from qingling.parties.models import Organization, Person, Project, ProjectParty, RosterEntry
from qingling.parties.selectors import (
    PersonalField,
    id_number_filter,
    organization_may_edit,
    organization_visible,
    person_in_jurisdiction,
    personal_number_read,
    project_list_for_user,
)

PERSON_AUDIT_FIELDS = ("name", "id_number_masked", "phone_masked")
ORGANIZATION_AUDIT_FIELDS = ("name", "credit_code", "legal_representative", "division", "address")
PROJECT_AUDIT_FIELDS = (
    "name",
    "code",
    "division",
    "address",
    "contract_value",
    "start_date",
    "end_date",
    "wage_officer",
)


def _field_error(field: str, error: ValidationError) -> InvalidInput:
    return InvalidInput(error.messages[0], extra={"fields": {field: error.messages}})


def _clean(instance: Person | Organization | Project | ProjectParty | RosterEntry) -> None:
    """Check the fields; the constraints are checked by the services with a message of
    their own and enforced by the database, so full_clean need not query for them. Nor
    for ``public_id``: a random UUID, which its unique index guards all the same."""
    try:
        instance.full_clean(exclude=["public_id"], validate_constraints=False)
    except ValidationError as error:
        raise ApplicationError.from_validation_error(error) from None


def _set_id_number(person: Person, id_number: str) -> None:
    if not id_number:
        person.id_number_sealed = person.id_number_digest = person.id_number_masked = ""
        return
    try:
        number = validate_id_number(id_number)
    except ValidationError as error:
        raise _field_error("id_number", error) from None
    digest = blind_index(number, purpose="id_number")
    existing = Person.objects.filter(id_number_filter(digest)).exclude(pk=person.pk).first()
    if existing is not None:
        raise Conflict(
            _("A person with this ID number is already registered: %(name)s.")
            % {"name": existing.name},
            code="person_duplicate_id_number",
            extra={
                "fields": {"id_number": [_("Already registered.")]},
                "person": str(existing.public_id),
            },
        )
    person.id_number_sealed = seal(number, purpose="id_number")
    person.id_number_digest = digest
    person.id_number_masked = mask_id_number(number)


def _set_phone(person: Person, phone: str) -> None:
    if not phone:
        person.phone_sealed = person.phone_digest = person.phone_masked = ""
        return
    try:
        number = validate_mobile(phone)
    except ValidationError as error:
        raise _field_error("phone", error) from None
    person.phone_sealed = seal(number, purpose="phone")
    person.phone_digest = blind_index(number, purpose="phone")
    person.phone_masked = mask_phone(number)


@transaction.atomic
def person_register(*, name: str, id_number: str = "", phone: str = "", actor: Actor) -> Person:
    """Register a person; the same ID number registered twice is refused as a duplicate."""
    person = Person(name=name.strip())
    _set_id_number(person, id_number)
    _set_phone(person, phone)
    _clean(person)
    person.save()
    audit_event_record(
        actor=actor,
        action="person.register",
        obj=person,
        after=audit_snapshot(person, PERSON_AUDIT_FIELDS),
    )
    return person


@transaction.atomic
def person_update(
    *,
    person: Person,
    name: str,
    id_number: str | None = None,
    phone: str | None = None,
    actor: Actor,
) -> Person:
    """Change a person's name and, when given, their ID or phone number ("" clears it)."""
    before = audit_snapshot(person, PERSON_AUDIT_FIELDS)
    person.name = name.strip()
    if id_number is not None:
        _set_id_number(person, id_number)
    if phone is not None:
        _set_phone(person, phone)
    _clean(person)
    person.save()
    audit_event_record(
        actor=actor,
        action="person.update",
        obj=person,
        before=before,
        after=audit_snapshot(person, PERSON_AUDIT_FIELDS),
    )
    return person


def _personal_data_limit_count(actor: Actor) -> None:
    """Count one full personal number learned by the actor; refuse it over the limit.

    Reveals and searches by a full number share one counter per member of staff
    (``QINGLING_PERSONAL_DATA_LIMIT`` per ``QINGLING_PERSONAL_DATA_WINDOW_SECONDS``).
    """
    limit = settings.QINGLING_PERSONAL_DATA_LIMIT
    window = settings.QINGLING_PERSONAL_DATA_WINDOW_SECONDS
    key = f"personal_data:user:{actor.pk if actor is not None else 'system'}"
    if rate_limit_hit(key=key, limit=limit, window=window):
        raise TooManyRequests(
            _(
                "You have seen %(limit)d full ID or mobile numbers in the last %(minutes)d "
                "minutes, the most allowed. Try again later; the bureau's audit log records "
                "every one."
            )
            % {"limit": limit, "minutes": window // 60},
            code="personal_data_rate_limited",
            extra={"limit": limit, "window_seconds": window},
        )


def _require_person_jurisdiction(actor: Actor, person: Person) -> None:
    if not person_in_jurisdiction(user=actor, person=person):
        raise Forbidden(
            _(
                "%(name)s is not linked to your jurisdiction (no complaint, case, roster "
                "or registration there), so the full numbers stay hidden."
            )
            % {"name": person.name},
            code="person_outside_jurisdiction",
        )


def personal_data_reveal_count(*, actor: Actor) -> None:
    """Count one full number shown to ``actor`` by another app's audited reveal (a bus
    escort's call, employment) against the same limit as reveals and searches here;
    TooManyRequests over it."""
    _personal_data_limit_count(actor)


@transaction.atomic
def person_personal_data_reveal(
    *, person: Person, field: PersonalField, reason: str = "", actor: Actor
) -> str:
    """Return the full ID or phone number and record who saw it (the display is audited).

    Only for a person inside the actor's jurisdiction (``person_jurisdiction_filter``)
    and within the actor's personal-data rate limit; a refused reveal shows nothing.
    """
    sealed = person.id_number_sealed if field == "id_number" else person.phone_sealed
    if not sealed:
        raise InvalidInput(_("Nothing is recorded for this field."))
    _require_person_jurisdiction(actor, person)
    _personal_data_limit_count(actor)
    audit_event_record(actor=actor, action=f"person.reveal_{field}", obj=person, reason=reason)
    return unseal(sealed, purpose=field)


@transaction.atomic
def person_number_search_record(*, query: str, found: list[Person], actor: Actor) -> None:
    """Count and record a search by a full ID or mobile number, which confirms the number
    as a reveal does: against the same rate limit (refused over it), with an audit row
    (``person.search_id_number`` / ``person.search_phone``) on the person found, or on the
    searcher when nobody was. The row keeps only the masked number."""
    number = personal_number_read(query)
    if number is None:
        return
    field, value = number
    _personal_data_limit_count(actor)
    masked = mask_id_number(value) if field == "id_number" else mask_phone(value)
    after = {"query": masked, "found": len(found)}
    subjects: list[Model] = [*found]
    if not subjects and actor is not None and actor.is_authenticated:
        subjects.append(actor)
    for subject in subjects:
        audit_event_record(actor=actor, action=f"person.search_{field}", obj=subject, after=after)


def _organization_apply(
    organization: Organization,
    *,
    name: str,
    credit_code: str,
    legal_representative: Person | None,
    division: Division | None,
    address: str,
) -> None:
    code = ""
    if credit_code.strip():
        try:
            code = validate_credit_code(credit_code)
        except ValidationError as error:
            raise _field_error("credit_code", error) from None
        existing = (
            Organization.objects.filter(Q(credit_code=code) & ~Q(credit_code=""))  # partial index
            .exclude(pk=organization.pk)
            .first()
        )
        if existing is not None:
            raise Conflict(
                _("An organization with this credit code is already registered: %(name)s.")
                % {"name": existing.name},
                code="organization_duplicate_credit_code",
                extra={
                    "fields": {"credit_code": [_("Already registered.")]},
                    "organization": str(existing.public_id),
                },
            )
    organization.name = " ".join(name.split())
    organization.name_key = block_key(organization.name)
    organization.credit_code = code
    organization.legal_representative = legal_representative
    organization.division = division
    organization.address = address.strip()
    _clean(organization)


@transaction.atomic
def organization_register(
    *,
    name: str,
    credit_code: str = "",
    legal_representative: Person | None = None,
    division: Division | None = None,
    address: str = "",
    actor: Actor,
) -> Organization:
    """Register an organization; a county's staff only in a division of their county (or
    with none, as the posting import does: it is then seen by the county once linked)."""
    _require_organization_division(actor, division, current=None)
    organization = Organization()
    _organization_apply(
        organization,
        name=name,
        credit_code=credit_code,
        legal_representative=legal_representative,
        division=division,
        address=address,
    )
    organization.save()
    audit_event_record(
        actor=actor,
        action="organization.register",
        obj=organization,
        after=audit_snapshot(organization, ORGANIZATION_AUDIT_FIELDS),
    )
    return organization


@transaction.atomic
def organization_update(
    *,
    organization: Organization,
    name: str,
    credit_code: str,
    legal_representative: Person | None,
    division: Division | None,
    address: str,
    actor: Actor,
) -> Organization:
    """Change an organization's record, if the actor may edit it
    (``selectors.organization_edit_filter``): refused as not found when they may not see
    it, forbidden when they see it but it is registered in another county."""
    _require_organization_editable(actor, organization)
    _require_organization_division(actor, division, current=organization.division)
    before = audit_snapshot(organization, ORGANIZATION_AUDIT_FIELDS)
    _organization_apply(
        organization,
        name=name,
        credit_code=credit_code,
        legal_representative=legal_representative,
        division=division,
        address=address,
    )
    organization.save()
    audit_event_record(
        actor=actor,
        action="organization.update",
        obj=organization,
        before=before,
        after=audit_snapshot(organization, ORGANIZATION_AUDIT_FIELDS),
    )
    return organization


def _require_organization_editable(actor: Actor, organization: Organization) -> None:
    if actor is None or organization_may_edit(user=actor, organization=organization):
        return
    if organization_visible(user=actor, organization=organization):
        raise Forbidden(
            _(
                "%(name)s is registered outside your jurisdiction; staff of its own "
                "division keep its record."
            )
            % {"name": organization.name},
            code="organization_outside_jurisdiction",
        )
    raise NotFound(_("No such organization."))


def _require_organization_visible(actor: Actor, organization: Organization) -> None:
    """Refuse (as not found) an organization the actor may not see, so that naming it in a
    record of their county does not bring it into their sight."""
    if actor is not None and not organization_visible(user=actor, organization=organization):
        raise NotFound(
            _("No such organization."),
            extra={"fields": {"organization": [_("Not found.")]}},
        )


def _require_organization_division(
    actor: Actor, division: Division | None, *, current: Division | None
) -> None:
    """A county's staff record an organization in a division of their county only, and do
    not clear a recorded one (it would leave their county's keeping); city-wide staff
    record any division, also outside the city."""
    if actor is None or covers_whole_city(actor):
        return
    if division is not None:
        _require_jurisdiction(actor, division)
    elif current is not None:
        raise Forbidden(
            _("Choose a division of your jurisdiction."),
            extra={"fields": {"division": [_("Required.")]}},
        )


def _require_jurisdiction(actor: Actor, division: Division) -> None:
    if actor is not None and not covers(actor, division.code):
        raise Forbidden(
            _("%(division)s is outside your jurisdiction.") % {"division": division.name},
            extra={"fields": {"division": [_("Outside your jurisdiction.")]}},
        )


@transaction.atomic
def project_register(
    *,
    name: str,
    division: Division,
    address: str = "",
    contract_value: Decimal | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    builder: Organization | None = None,
    general_contractor: Organization | None = None,
    wage_officer: Person | None = None,
    code: str = "",
    actor: Actor,
) -> Project:
    """Register a construction project in the actor's jurisdiction with its two main parties.

    ``code``: the monitoring platform's project code (项目编码), unique when given."""
    _require_jurisdiction(actor, division)
    code = code.strip()
    if code and Project.objects.filter(code=code).exists():
        raise Conflict(
            _("Another project has the code %(code)s.") % {"code": code},
            code="project_code_taken",
            extra={"fields": {"code": [_("Already used.")]}},
        )
    if contract_value is not None and contract_value < 0:
        raise InvalidInput(
            _("The contract value cannot be negative."),
            extra={"fields": {"contract_value": [_("Cannot be negative.")]}},
        )
    if start_date and end_date and end_date < start_date:
        raise InvalidInput(
            _("The planned completion is before the start date."),
            extra={"fields": {"end_date": [_("Before the start date.")]}},
        )
    project = Project(
        name=" ".join(name.split()),
        code=code,
        division=division,
        address=address.strip(),
        contract_value=contract_value,
        start_date=start_date,
        end_date=end_date,
        wage_officer=wage_officer,
    )
    _clean(project)
    project.save()
    audit_event_record(
        actor=actor,
        action="project.register",
        obj=project,
        after=audit_snapshot(project, PROJECT_AUDIT_FIELDS),
    )
    if builder is not None:
        project_party_add(
            project=project, role=ProjectParty.Role.BUILDER, organization=builder, actor=actor
        )
    if general_contractor is not None:
        project_party_add(
            project=project,
            role=ProjectParty.Role.GENERAL_CONTRACTOR,
            organization=general_contractor,
            actor=actor,
        )
    return project


@transaction.atomic
def project_code_set(*, project: Project, code: str, actor: Actor) -> Project:
    """Record the monitoring platform's code of a project (项目编码), by which the monthly
    monitoring files name it (docs/monitoring.md); unique among projects."""
    _require_jurisdiction(actor, project.division)
    code = code.strip()
    if code and Project.objects.filter(code=code).exclude(pk=project.pk).exists():
        raise Conflict(
            _("Another project has the code %(code)s.") % {"code": code},
            code="project_code_taken",
            extra={"fields": {"code": [_("Already used.")]}},
        )
    before = audit_snapshot(project, PROJECT_AUDIT_FIELDS)
    project.code = code
    _clean(project)
    project.save(update_fields=["code", "updated_at"])
    audit_event_record(
        actor=actor,
        action="project.code",
        obj=project,
        before=before,
        after=audit_snapshot(project, PROJECT_AUDIT_FIELDS),
    )
    return project


@transaction.atomic
def project_party_add(
    *,
    project: Project,
    role: str,
    organization: Organization | None = None,
    leader: Person | None = None,
    engaged_by: ProjectParty | None = None,
    actor: Actor,
) -> ProjectParty:
    """Add a party to a project: an organization by role, or a work team by its leader.

    The organization must be one the actor may see (the project would otherwise link an
    organization of another county to theirs)."""
    _require_jurisdiction(actor, project.division)
    if organization is not None and role != ProjectParty.Role.TEAM:
        _require_organization_visible(actor, organization)
    is_team = role == ProjectParty.Role.TEAM
    if is_team and leader is None:
        raise InvalidInput(
            _("A work team needs its leader."),
            extra={"fields": {"leader": [_("Required for a work team.")]}},
        )
    if not is_team and organization is None:
        raise InvalidInput(
            _("Choose the organization."), extra={"fields": {"organization": [_("Required.")]}}
        )
    if role in ProjectParty.SINGLE_ROLES and project.parties.filter(role=role).exists():
        raise Conflict(
            _("This project already has a %(role)s.") % {"role": ProjectParty.Role(role).label},
            code="project_party_role_taken",
            extra={"fields": {"role": [_("Already taken.")]}},
        )
    if engaged_by is not None and engaged_by.project_id != project.pk:
        raise InvalidInput(
            _("The engaging party belongs to another project."),
            extra={"fields": {"engaged_by": [_("Not of this project.")]}},
        )
    party = ProjectParty(
        project=project,
        role=role,
        organization=None if is_team else organization,
        leader=leader if is_team else None,
        engaged_by=engaged_by,
    )
    _clean(party)
    party.save()
    audit_event_record(
        actor=actor,
        action="project.party_add",
        obj=project,
        after={
            "party": party.pk,
            "role": role,
            "organization": str(organization.pk) if organization else None,
            "leader": str(leader.pk) if leader else None,
        },
    )
    return party


@transaction.atomic
def person_find_or_register(
    *, name: str, id_number: str = "", phone: str = "", actor: Actor
) -> Person | None:
    """Return the person with this ID number, or register one; None when nothing is given.

    Used wherever a form names a person in passing (a legal representative, a wage
    officer, a team leader), so that the same ID number always means the same person.
    """
    if not name.strip() and not id_number.strip():
        return None
    if id_number.strip():
        try:
            digest = blind_index(validate_id_number(id_number), purpose="id_number")
        except ValidationError as error:
            raise _field_error("id_number", error) from None
        existing = Person.objects.filter(id_number_filter(digest)).first()
        if existing is not None:
            return existing
    if not name.strip():
        raise InvalidInput(
            _("Enter the person's name."), extra={"fields": {"name": [_("Required.")]}}
        )
    try:
        with transaction.atomic():  # a savepoint: two requests may register the same person
            return person_register(name=name, id_number=id_number, phone=phone, actor=actor)
    except IntegrityError:
        if id_number.strip():
            raced = Person.objects.filter(id_number_filter(digest)).first()
            if raced is not None:
                return raced
        raise


@transaction.atomic
def roster_add(
    *,
    project: Project,
    name: str,
    id_number: str,
    phone: str = "",
    team: ProjectParty | None = None,
    trade: str = "",
    joined_on: dt.date | None = None,
    left_on: dt.date | None = None,
    actor: Actor,
    access_checked: bool = False,
) -> RosterEntry:
    """Put a worker on the project's real-name roster (实名制), once per project.

    The ID number is required (a real-name register) and names the person: the same
    number is the same person everywhere (``person_find_or_register``).
    ``access_checked`` is for a caller that has checked the actor's access to the project
    itself (the compliance registry, for an employer's own project, docs/compliance.md).
    """
    if not access_checked:
        _require_jurisdiction(actor, project.division)
    if not id_number.strip():
        raise InvalidInput(
            _("Enter the worker's ID number."), extra={"fields": {"id_number": [_("Required.")]}}
        )
    if team is not None and (team.project_id != project.pk or team.role != ProjectParty.Role.TEAM):
        raise InvalidInput(
            _("The work team belongs to another project."),
            extra={"fields": {"team": [_("Not a work team of this project.")]}},
        )
    worker = person_find_or_register(name=name, id_number=id_number, phone=phone, actor=actor)
    assert worker is not None  # an ID number was given
    duplicate = Conflict(
        _("%(name)s is already on this project's roster.") % {"name": worker.name},
        code="roster_duplicate",
        extra={"fields": {"id_number": [_("Already on the roster.")]}},
    )
    if project.roster.filter(worker=worker).exists():
        raise duplicate
    entry = RosterEntry(
        project=project,
        worker=worker,
        team=team,
        trade=" ".join(trade.split()),
        joined_on=joined_on,
        left_on=left_on,
    )
    _clean(entry)
    try:
        with transaction.atomic():  # a savepoint: two requests may add the same worker
            entry.save()
    except IntegrityError:
        raise duplicate from None
    audit_event_record(
        actor=actor,
        action="project.roster_add",
        obj=project,
        after={
            "entry": entry.pk,
            "worker": worker.name,
            "team": team.pk if team else None,
            "trade": entry.trade,
            "joined_on": joined_on.isoformat() if joined_on else None,
        },
    )
    return entry


def _teams_by_leader(project: Project) -> dict[str, list[ProjectParty]]:
    teams: dict[str, list[ProjectParty]] = {}
    for team in project.parties.filter(role=ProjectParty.Role.TEAM).select_related("leader"):
        assert team.leader is not None  # a team has its leader (a constraint)
        teams.setdefault(team.leader.name, []).append(team)
    return teams


def _team_for(written: str, teams: dict[str, list[ProjectParty]]) -> ProjectParty | str:
    """The work team a roster cell names by its leader, or why none can be chosen."""
    for name in team_leader_names(written):
        found = teams.get(name, [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            return _(
                "%(name)s leads more than one team on this project; add this worker by hand."
            ) % {"name": name}
    return _("No work team of this project is led by %(name)s; add the team first.") % {
        "name": written[:50]
    }


def roster_import(
    *,
    project: Project,
    rows: Iterable[RosterRow],
    actor: Actor,
    progress: Callable[[int, RosterImportResult], None] | None = None,
) -> RosterImportResult:
    """Put each row's worker on the project's roster; bad rows are reported, the rest go on.

    Each row is all or nothing (its own transaction around ``roster_add``, which registers
    the worker when the ID number is new). The 班组 column names a work team of the project
    by its leader's name ("张三" or "张三班组"). The same ID number twice in the file is
    reported on its second line; a worker already on the roster likewise.
    """
    _require_jurisdiction(actor, project.division)
    teams = _teams_by_leader(project)
    result = RosterImportResult()
    seen: dict[str, int] = {}  # ID number → the line it first appeared on
    for done, row in enumerate(rows, start=1):
        values, errors = read_roster_row(row)
        team: ProjectParty | None = None
        if values.team:
            found = _team_for(values.team, teams)
            if isinstance(found, str):
                errors.setdefault("team", []).append(found)
            else:
                team = found
        if values.id_number and values.id_number in seen:
            errors.setdefault("id_number", []).append(
                _("The same worker (ID number) is already on line %(line)d of this file.")
                % {"line": seen[values.id_number]}
            )
        elif values.id_number:
            seen[values.id_number] = row.line
        if not errors:
            try:
                with transaction.atomic():
                    roster_add(
                        project=project,
                        name=values.name,
                        id_number=values.id_number,
                        phone=values.phone,
                        team=team,
                        trade=values.trade,
                        joined_on=values.joined_on,
                        actor=actor,
                    )
            except Forbidden:
                raise
            except Conflict as error:  # on the roster already: say so by name
                errors.setdefault("id_number", []).append(error.message)
            except ApplicationError as error:
                fields: dict[str, Any] = error.extra.get("fields") or {"__all__": [error.message]}
                for field, messages in fields.items():
                    errors.setdefault(field, []).extend(str(message) for message in messages)
            else:
                result.created += 1
        if errors:
            result.failed += 1
            result.failures.extend(
                RosterImportFailure(row.line, field, message)
                for field, messages in errors.items()
                for message in messages
            )
        if progress is not None:
            progress(done, result)
    return result


def roster_import_file(
    *,
    content: bytes,
    actor: Actor,
    project: str,
    progress: Callable[[int, int], None] | None = None,
) -> RosterImportResult:
    """A large roster workbook, run by the worker (``QINGLING_IMPORT_KINDS["parties.roster"]``)
    as the member of staff who uploaded it, for the project with the public id ``project``.

    Running it again is safe: a worker already on the roster (same ID number, which every
    row must have) is refused by name, not added twice.
    """
    found = project_list_for_user(user=actor).filter(public_id=project).first()
    if found is None:
        raise NotFound(_("Not found."))
    rows = parse_roster_xlsx(content)

    def each(done: int, _result: RosterImportResult) -> None:
        if progress is not None:
            progress(done, len(rows))

    return roster_import(project=found, rows=rows, actor=actor, progress=each)
