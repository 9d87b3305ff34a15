"""Writes of the survey (需求普查): a worker's registration, the grids' workbooks, opt-out.

One worker is one registration: the person is found by the blind index of the ID number,
and registering again (on a phone, at a desk, in a grid's next workbook) updates the
same ``Seeker``. Every fault of an input is named at once, by field, before anything
is written.
"""

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from qingling.accounts.models import User
from qingling.core import clock
from qingling.core.exceptions import ApplicationError, Conflict, InvalidInput
from qingling.core.models import Division
from qingling.core.personal_data import blind_index, unseal
from qingling.core.places import Place, PlaceIndex
from qingling.core.public import public_limit_hit
from qingling.core.services import Actor, audit_event_record, audit_snapshot
from qingling.core.validators import validate_id_number, validate_mobile
from qingling.core.workbooks import (
    RowErrors,
    RowFailure,
    SheetImportResult,
    add_error,
    cell_amount,
    cell_date,
    cell_id_number,
    cell_phone,
    cell_text,
    sheet_rows,
)
from qingling.employment.models import ContactChannel, Occupation, Seeker, Trip, TripSeat
from qingling.employment.services.trips import trip_seat_release
from qingling.notify.services import phone_code_check, phone_code_send, phone_code_use
from qingling.parties.models import Person
from qingling.parties.services import person_find_or_register, person_update

SEEKER_AUDIT_FIELDS = (
    "division",
    "township",
    "village",
    "going_out",
    "wage_expected",
    "earliest",
    "latest",
    "job_confirmed",
    "confirmed_employer",
    "confirmed_destination",
    "place_detail",
    "training_need",
    "transport_needed",
    "contact_consent",
    "contact_channel",
    "personalised",
)


@dataclasses.dataclass
class SeekerInput:
    """One registration as typed in; the service checks it whole.

    ``personalised`` is the worker's own choice (PIPL Art. 24): None keeps what is on
    file (True for a new registration), so a staff form or a grid's workbook, which do
    not ask, never undo a worker's refusal.
    """

    name: str
    id_number: str
    division_code: str
    township: str
    phone: str = ""
    village: str = ""
    going_out: bool = True
    occupation_codes: list[str] = dataclasses.field(default_factory=list)
    destination_codes: list[str] = dataclasses.field(default_factory=list)
    wage_expected: Decimal | None = None
    earliest: dt.date | None = None
    latest: dt.date | None = None
    job_confirmed: bool = False
    confirmed_employer: str = ""
    confirmed_destination_code: str = ""
    training_need: str = ""
    place_detail: str = ""
    transport_needed: bool = False
    contact_consent: bool = False
    contact_channel: str = ContactChannel.SMS
    personalised: bool | None = None


@dataclasses.dataclass
class _Checked:
    id_number: str
    phone: str
    division: Division
    occupations: list[Occupation]
    destinations: list[Division]
    confirmed_destination: Division | None


def city_counties() -> dict[str, Division]:
    """The counties of the bureau's city by code, where seekers live."""
    return {
        division.code: division
        for division in Division.objects.filter(
            level=Division.Level.COUNTY, code__startswith=settings.QINGLING_CITY_DIVISION[:4]
        )
    }


@dataclasses.dataclass
class _Lookups:
    """The reference rows a registration names, read once per request or workbook, and
    the codes by code or name ("大连市", "建筑施工人员", "东辽县")."""

    divisions: dict[str, Division]
    occupations: dict[str, Occupation]
    counties: dict[str, Division]
    division_codes: dict[str, str]
    occupation_codes: dict[str, str]
    county_codes: dict[str, str]
    places: PlaceIndex

    @classmethod
    def load(cls) -> "_Lookups":
        divisions = {d.code: d for d in Division.objects.all()}
        occupations = {o.code: o for o in Occupation.objects.all()}
        counties = city_counties()

        def by_code_or_name(rows: dict[str, Any]) -> dict[str, str]:
            codes = {row.name: code for code, row in sorted(rows.items(), reverse=True)}
            return codes | {code: code for code in rows}

        return cls(
            divisions,
            occupations,
            counties,
            by_code_or_name(divisions),
            by_code_or_name(occupations),
            by_code_or_name(counties),
            PlaceIndex(Place(d.code, d.name, d.level, d.parent_id) for d in divisions.values()),
        )

    def place_code(self, text: str) -> str | None:
        """The division "辽宁省大连市", "大连" or "210200" names; None if none."""
        match = self.places.resolve(text)
        return match.place.code if match else None


def _check(data: SeekerInput, errors: RowErrors, lookups: _Lookups) -> _Checked | None:
    """Add every fault of ``data`` to ``errors``; return the looked-up values when none."""
    if not data.name.strip():
        add_error(errors, "name", _("Enter the worker's name."))
    id_number = ""
    if not data.id_number.strip():
        add_error(errors, "id_number", _("Enter the worker's ID number."))
    else:
        try:
            id_number = validate_id_number(data.id_number, today=clock.local_today())
        except ValidationError as error:
            add_error(errors, "id_number", " ".join(error.messages))
    phone = ""
    if data.phone.strip():
        try:
            phone = validate_mobile(data.phone)
        except ValidationError as error:
            add_error(errors, "phone", " ".join(error.messages))
    elif data.contact_consent and data.contact_channel != ContactChannel.WECHAT:
        add_error(errors, "phone", _("Enter a mobile number to be contacted by it."))
    if data.contact_channel not in ContactChannel.values:
        add_error(errors, "contact_channel", _("Choose text message, WeChat or phone call."))
    division = lookups.counties.get(data.division_code.strip())
    if division is None:
        add_error(errors, "division", _("Choose a county or district of the city."))
    if not data.township.strip():
        add_error(errors, "township", _("Enter the township or street."))
    codes = sorted({code.strip() for code in data.occupation_codes if code.strip()})
    if unknown := [code for code in codes if code not in lookups.occupations]:
        add_error(
            errors,
            "occupations",
            _("Unknown occupation groups: %(codes)s.") % {"codes": "、".join(unknown)},
        )
    places = sorted({code.strip() for code in data.destination_codes if code.strip()})
    if unknown := [code for code in places if code not in lookups.divisions]:
        add_error(
            errors,
            "destinations",
            _("Unknown divisions: %(codes)s.") % {"codes": "、".join(unknown)},
        )
    if data.wage_expected is not None and data.wage_expected <= 0:
        add_error(errors, "wage_expected", _("The expected wage must be more than zero."))
    if data.earliest and data.latest and data.latest < data.earliest:
        add_error(errors, "latest", _("The last travel date is before the first."))
    confirmed_destination = None
    if code := data.confirmed_destination_code.strip():
        confirmed_destination = lookups.divisions.get(code)
        if confirmed_destination is None:
            add_error(errors, "confirmed_destination", _("Unknown division."))
    elif data.job_confirmed and data.transport_needed:
        add_error(
            errors,
            "confirmed_destination",
            _("Say where the confirmed job is, so that a bus can be planned."),
        )
    if errors or division is None:
        return None
    return _Checked(
        id_number,
        phone,
        division,
        [lookups.occupations[code] for code in codes],
        [lookups.divisions[code] for code in places],
        confirmed_destination,
    )


def _errors_raise(errors: RowErrors) -> None:
    if errors:
        raise InvalidInput(_("Some fields are not valid."), extra={"fields": errors})


def _field_refusal(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, extra={"fields": {field: [message]}})


TRAVEL_FIELDS = ("going_out", "earliest", "latest", "job_confirmed", "transport_needed")


def _apply(seeker: Seeker, data: SeekerInput, checked: _Checked, *, source: str) -> None:
    seeker.division = checked.division
    seeker.township = data.township.strip()
    seeker.village = data.village.strip()
    seeker.going_out = data.going_out
    seeker.wage_expected = data.wage_expected
    seeker.earliest, seeker.latest = data.earliest, data.latest
    seeker.job_confirmed = data.job_confirmed
    seeker.confirmed_employer = data.confirmed_employer.strip()
    seeker.confirmed_destination = checked.confirmed_destination
    seeker.place_detail = data.place_detail.strip()[:200]
    seeker.training_need = data.training_need.strip()
    seeker.transport_needed = data.transport_needed
    seeker.contact_consent = data.contact_consent
    seeker.contact_channel = data.contact_channel
    if data.personalised is not None:
        seeker.personalised = data.personalised
    if data.contact_consent and source == Seeker.Source.SELF:
        # Only the worker can take back their own opt-out: staff re-saving a form or a
        # grid re-sending a workbook must not restart messages someone asked to stop.
        seeker.opted_out_at = None


def _person(
    *,
    data: SeekerInput,
    checked: _Checked,
    source: str,
    actor: Actor,
    phone_confirmed: bool = False,
) -> Person:
    """The person of this ID number, found or registered.

    On the public form an existing person is changed only by someone who knows the
    mobile number on file: otherwise anyone who knows an ID number could rewrite
    another's registration or redirect their messages (a complainant's, too).
    """
    digest = blind_index(checked.id_number, purpose="id_number")
    existing = Person.objects.filter(id_number_digest=digest).first()
    phone_digest = blind_index(checked.phone, purpose="phone") if checked.phone else ""
    if existing is not None and source == Seeker.Source.SELF and phone_confirmed:
        # The code was texted to the number on file (seeker_code_send); that number stays.
        return existing
    if existing is not None and source == Seeker.Source.SELF:
        if not existing.phone_digest or existing.phone_digest != phone_digest:
            raise _field_refusal(
                "phone",
                _(
                    "This ID number is registered already. Enter the mobile number it was "
                    "registered with, or ask your service officer to change it."
                ),
            )
        return existing
    person = existing or person_find_or_register(
        name=data.name, id_number=checked.id_number, phone=checked.phone, actor=actor
    )
    assert person is not None  # a name and an ID number were given
    if phone_digest and person.phone_digest != phone_digest:
        person = person_update(person=person, name=person.name, phone=checked.phone, actor=actor)
    return person


def _release_seat_if_travel_changed(seeker: Seeker, before: dict[str, Any], actor: Actor) -> None:
    """A worker seated on a planned bus whose dates, destination or plans change gives up
    the seat (audited), to be planned again: a bus must never carry someone outside their
    window or to the wrong place."""
    seat = TripSeat.objects.filter(seeker=seeker, trip__status=Trip.Status.PLANNED).first()
    if seat is None:
        return
    after = audit_snapshot(seeker, (*TRAVEL_FIELDS, "confirmed_destination"))
    if any(before[name] != value for name, value in after.items()):
        trip_seat_release(seat=seat, actor=actor, reason="seeker.update")


def _write(
    *,
    data: SeekerInput,
    checked: _Checked,
    source: str,
    actor: Actor,
    phone_confirmed: bool = False,
) -> tuple[Seeker, bool]:
    """Create or update the registration; True when it is new."""
    person = _person(
        data=data, checked=checked, source=source, actor=actor, phone_confirmed=phone_confirmed
    )
    seeker = Seeker.objects.filter(person=person).first()
    created = seeker is None
    if seeker is None:
        seeker = Seeker(
            person=person,
            source=source,
            registered_on=clock.local_today(),
            registered_by=actor if isinstance(actor, User) else None,
        )
    wechat = data.contact_channel == ContactChannel.WECHAT and data.contact_consent
    if wechat and not seeker.wechat_openid:  # set only by a WeChat sign-in, not typed
        raise _field_refusal("contact_channel", _("There is no WeChat account to write to."))
    before = audit_snapshot(seeker, SEEKER_AUDIT_FIELDS) if not created else None
    _apply(seeker, data, checked, source=source)
    try:
        with transaction.atomic():  # a savepoint: two first registrations may race
            seeker.save()
    except IntegrityError:
        raise Conflict(
            _("This worker was registered at the same moment; send again to update it."),
            code="seeker_conflict",
        ) from None
    if created:  # nothing to compare with: add, without reading the (empty) lists first
        seeker.occupations.add(*checked.occupations)
        seeker.destinations.add(*checked.destinations)
    else:
        seeker.occupations.set(checked.occupations)
        seeker.destinations.set(checked.destinations)
    if before is not None:
        _release_seat_if_travel_changed(seeker, before, actor)
    audit_event_record(
        actor=actor,
        action="seeker.register" if created else "seeker.update",
        obj=seeker,
        before=before,
        after=audit_snapshot(seeker, SEEKER_AUDIT_FIELDS)
        | {
            "occupations": sorted(o.code for o in checked.occupations),
            "destinations": sorted(d.code for d in checked.destinations),
        },
    )
    return seeker, created


@transaction.atomic
def seeker_register(*, data: SeekerInput, source: str, actor: Actor) -> Seeker:
    """Register a worker who wants to go out, or update their registration."""
    return seekers_register(entries=[(data, source, actor)])[0]


def seekers_register(*, entries: Sequence[tuple[SeekerInput, str, Actor]]) -> list[Seeker]:
    """Register several workers at one desk session, each exactly as `seeker_register`
    does (one transaction each, so a refused one stops the rest without undoing those
    before it), with the divisions and occupations read once rather than per worker."""
    lookups = _Lookups.load()
    seekers = []
    for data, source, actor in entries:
        with transaction.atomic():
            errors: RowErrors = {}
            checked = _check(data, errors, lookups)
            _errors_raise(errors)
            assert checked is not None
            seeker, _created = _write(data=data, checked=checked, source=source, actor=actor)
        seekers.append(seeker)
    return seekers


# The public form: a registration counts once a code texted to the right number is typed.

SEEKER_CODE_PURPOSE = "seeker"


def _public_check(data: SeekerInput) -> _Checked:
    errors: RowErrors = {}
    checked = _check(data, errors, _Lookups.load())
    if not data.phone.strip() and "phone" not in errors:
        add_error(
            errors,
            "phone",
            _("Enter your mobile number: we text you a code to confirm the registration."),
        )
    _errors_raise(errors)
    assert checked is not None
    return checked


def _on_file(id_number: str) -> Person | None:
    return Person.objects.filter(
        id_number_digest=blind_index(id_number, purpose="id_number")
    ).first()


def seeker_code_send(*, data: SeekerInput, session_digest: str, client_ip: str) -> None:
    """Check a registration from the public form whole, then text a code that confirms it:
    to the mobile number on file for this ID number when there is one (only its holder may
    change the registration), else to the number given.

    The answer is the same either way, and so are the limits (per address, per ID number
    and per number given), so the form never says whether an ID number is on file.
    """
    checked = _public_check(data)
    public_limit_hit(
        name="code_phone",
        scope=f"{SEEKER_CODE_PURPOSE}:id_number",
        value=blind_index(checked.id_number, purpose="id_number"),
    )
    public_limit_hit(
        name="code_phone",
        scope=f"{SEEKER_CODE_PURPOSE}:given",
        value=blind_index(checked.phone, purpose="phone"),
    )
    existing = _on_file(checked.id_number)
    phone = checked.phone
    if existing is not None and existing.phone_sealed:
        phone = unseal(existing.phone_sealed, purpose="phone")
    phone_code_send(
        purpose=SEEKER_CODE_PURPOSE,
        subject=checked.id_number,
        phone=phone,
        session_digest=session_digest,
        client_ip=client_ip,
    )


def seeker_register_confirmed(
    *, data: SeekerInput, code: str, session_digest: str
) -> Seeker | None:
    """Register (or update) from the public form with the code ``seeker_code_send`` texted.

    A person on file without a mobile number cannot be changed here (the code went to the
    number given, which proves nothing about them): nothing changes, the attempt is
    audited, and None is returned, which the form answers like a success, so that it never
    says whether the ID number is on file.
    """
    checked = _public_check(data)
    # Outside the transaction: a wrong try stays counted although this call then fails.
    confirmed = phone_code_check(
        purpose=SEEKER_CODE_PURPOSE,
        subject=checked.id_number,
        session_digest=session_digest,
        code=code,
    )
    with transaction.atomic():
        if not phone_code_use(phone_code=confirmed):
            message = _("The code has expired or was not sent to this number. Send a new code.")
            raise InvalidInput(message, extra={"fields": {"code": [message]}})
        existing = _on_file(checked.id_number)
        if existing is not None and not existing.phone_digest:
            audit_event_record(actor=None, action="seeker.self_update_refused", obj=existing)
            return None
        seeker, _created = _write(
            data=data, checked=checked, source=Seeker.Source.SELF, actor=None, phone_confirmed=True
        )
    return seeker


@transaction.atomic
def seeker_opt_out(*, seeker: Seeker, actor: Actor) -> Seeker:
    """Stop every job message to this worker (the opt-out each message offers)."""
    if seeker.opted_out_at is None:
        Seeker.objects.filter(pk=seeker.pk).update(opted_out_at=clock.now())
        seeker.refresh_from_db()
        audit_event_record(actor=actor, action="seeker.opt_out", obj=seeker)
    return seeker


def seeker_opt_out_by_phone(*, phone: str) -> int:
    """Opt out whoever registered with this mobile number; how many were opted out.

    Needs no sign-in, like the "reply TD" of a text message: stopping messages to a
    number can harm no one, and saying whether the number is known would leak it.
    """
    try:
        number = validate_mobile(phone)
    except ValidationError as error:
        raise InvalidInput(error.messages[0], extra={"fields": {"phone": error.messages}}) from None
    digest = blind_index(number, purpose="phone")
    count = 0
    for seeker in Seeker.objects.filter(person__phone_digest=digest, opted_out_at__isnull=True):
        seeker_opt_out(seeker=seeker, actor=None)
        count += 1
    return count


# The workbooks the village and community grids send in.

SEEKER_COLUMNS = {
    "姓名": "name",
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "公民身份号码": "id_number",
    "手机": "phone",
    "手机号": "phone",
    "联系电话": "phone",
    "区县": "division",
    "县区": "division",
    "乡镇": "township",
    "乡镇街道": "township",
    "村": "village",
    "村社区": "village",
    "是否外出": "going_out",
    "意向职业": "occupations",
    "意向地区": "destinations",
    "目的地": "destinations",
    "期望月薪": "wage_expected",
    "最早出行": "earliest",
    "最晚出行": "latest",
    "已落实岗位": "job_confirmed",
    "落实单位": "confirmed_employer",
    "岗位所在地": "confirmed_destination",
    "培训需求": "training_need",
    "需要交通": "transport_needed",
    "需要乘车": "transport_needed",
    "同意联系": "contact_consent",
    "联系方式": "contact_channel",
}
SEEKER_FIELDS = frozenset(SEEKER_COLUMNS.values())
REQUIRED_COLUMNS = ("name", "id_number", "division", "township")
YES = {"是", "有", "需要", "同意", "y", "yes", "true", "1", "✓", "√"}
NO = {"否", "无", "不需要", "不同意", "n", "no", "false", "0", ""}
CHANNELS: dict[str, str] = {"短信": "sms", "微信": "wechat", "电话": "phone"} | {
    str(c): str(c) for c in ContactChannel
}


def _cell_bool(value: object, errors: RowErrors, field: str, *, default: bool = False) -> bool:
    text = cell_text(value).lower()
    if value is None:
        return default
    if text in YES:
        return True
    if text in NO:
        return False
    add_error(errors, field, _("Write 是 or 否."))
    return default


def split_places(text: str) -> list[str]:
    """ "大连市、山东省" (or with commas, semicolons, slashes, spaces) → the parts."""
    for mark in "，,;；/ ":
        text = text.replace(mark, "、")
    return [part for part in (p.strip() for p in text.split("、")) if part]


def _place_detail(texts: list[str], places: PlaceIndex) -> str:
    """The places written finer than the division table ("辽宁省大连市甘井子区"), as text."""
    labels = [m.label for text in texts if (m := places.resolve(text)) is not None and m.rest]
    return "、".join(dict.fromkeys(labels))[:200]


def _names_to_codes(
    value: object, lookup: Callable[[str], str | None], errors: RowErrors, field: str
) -> list[str]:
    """Split "大连市、山东省" (or codes) and look each part up."""
    codes = []
    for part in split_places(cell_text(value)):
        code = lookup(part)
        if code is None:
            add_error(errors, field, _("Unknown: %(name)s.") % {"name": part})
        else:
            codes.append(code)
    return codes


def _row_input(values: dict[str, Any], lookups: _Lookups, errors: RowErrors) -> SeekerInput:
    county = cell_text(values.get("division"))
    channel = cell_text(values.get("contact_channel")) or "短信"
    if channel not in CHANNELS:
        add_error(errors, "contact_channel", _("Write 短信, 微信 or 电话."))
    destination = cell_text(values.get("confirmed_destination"))
    return SeekerInput(
        name=cell_text(values.get("name")),
        id_number=cell_id_number(values.get("id_number"), errors),
        phone=cell_phone(values.get("phone"), errors),
        division_code=lookups.county_codes.get(county, county),
        township=cell_text(values.get("township")),
        village=cell_text(values.get("village")),
        going_out=_cell_bool(values.get("going_out"), errors, "going_out", default=True),
        occupation_codes=_names_to_codes(
            values.get("occupations"), lookups.occupation_codes.get, errors, "occupations"
        ),
        destination_codes=_names_to_codes(
            values.get("destinations"), lookups.place_code, errors, "destinations"
        ),
        wage_expected=cell_amount(values.get("wage_expected"), errors, field="wage_expected"),
        earliest=cell_date(values.get("earliest"), errors, field="earliest"),
        latest=cell_date(values.get("latest"), errors, field="latest"),
        job_confirmed=_cell_bool(values.get("job_confirmed"), errors, "job_confirmed"),
        confirmed_employer=cell_text(values.get("confirmed_employer")),
        confirmed_destination_code=lookups.place_code(destination) or destination,
        place_detail=_place_detail(
            [*split_places(cell_text(values.get("destinations"))), destination], lookups.places
        ),
        training_need=cell_text(values.get("training_need")),
        transport_needed=_cell_bool(values.get("transport_needed"), errors, "transport_needed"),
        contact_consent=_cell_bool(values.get("contact_consent"), errors, "contact_consent"),
        contact_channel=CHANNELS.get(channel, ContactChannel.SMS),
    )


def seeker_import(
    *,
    content: bytes,
    actor: Actor,
    progress: Callable[[int, int], None] | None = None,
) -> SheetImportResult:
    """Import a grid's workbook: good rows are kept, every bad row is reported.

    Each row is one worker's own registration, independent of the others, and a grid
    sends hundreds at once: refusing the whole sheet for one mistyped ID number would
    keep hundreds of good registrations out of the survey until someone fixed it.
    Importing the corrected sheet again is safe, since a registration is found by its ID
    number and updated. Each row is written in its own transaction.
    """
    rows = sheet_rows(
        content,
        aliases=SEEKER_COLUMNS,
        fields=SEEKER_FIELDS,
        required=REQUIRED_COLUMNS,
        missing_message=lambda missing: (
            _("The sheet has no column for: %(columns)s.") % {"columns": ", ".join(missing)}
        ),
    )
    lookups = _Lookups.load()
    result = SheetImportResult()
    seen: dict[str, int] = {}
    for index, row in enumerate(rows, start=1):
        errors: RowErrors = {}
        data = _row_input(dict(row.values), lookups, errors)
        checked = _check(data, errors, lookups)
        if checked and (first := seen.get(checked.id_number)):
            add_error(
                errors, "id_number", _("The same ID number is on line %(line)s.") % {"line": first}
            )
        if errors or checked is None:
            result.failed += 1
            result.failures.extend(
                RowFailure(row.line, field, message)
                for field, messages in errors.items()
                for message in messages
            )
        else:
            seen[checked.id_number] = row.line
            try:
                with transaction.atomic():
                    _seeker, created = _write(
                        data=data, checked=checked, source=Seeker.Source.IMPORT, actor=actor
                    )
                if created:
                    result.created += 1
                else:
                    result.updated += 1
            except ApplicationError as error:
                result.failed += 1
                result.failures.append(RowFailure(row.line, "__all__", error.message))
        if progress is not None:
            progress(index, len(rows))
    return result
