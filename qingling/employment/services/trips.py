"""Writes of the chartered buses (专车): planning, boarding, departure, arrival, cancelling.

Planning takes every worker with a confirmed job who needs transport and has no seat yet,
asks the pure planner (``employment.buses``) for as few buses as it can prove, and writes
one ``Trip`` per bus with a ``TripSeat`` per worker. Planning again plans only the workers
still without a seat; cancelling a trip deletes its seats so its workers can be planned again.

**Pick-up points.** A worker is picked up in their own township: the point is the county's
name and the township's (``龙山区向阳街道``), so two townships of the same name in two
counties stay apart. Seats are numbered in that order (county code, township, village,
name), so the people boarding at one place sit together. Staff change a seat's point
with ``trip_seat_pickup_set``; its number stays.

**Windows.** A worker without both dates of a travel window is not planned but listed
(``TripPlanResult.unplannable``). Buses do not leave in the past: a window that started
before today is planned from today, and one that ended before today is listed too.

A trip moves along ``TRANSITIONS`` by ``trip_transition`` only, with a compare-and-swap on
the status the caller saw; boarding check-in is a compare-and-swap on the seat. When a bus
departs, the seats of the workers who did not board are released (deleted), so that those
workers can be planned on another bus; ``trip_seat_release`` releases one seat of a planned
trip, e.g. when the worker's window, destination, job or going out changes.
Audit rows name trips and seat numbers, never a worker: where a named worker travels is
sensitive personal information (行踪轨迹, PIPL Art. 28).
"""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qingling.accounts.models import User
from qingling.core import clock
from qingling.core.exceptions import ApplicationError, Conflict, Forbidden, InvalidInput
from qingling.core.models import Division
from qingling.core.personal_data import unseal
from qingling.core.services import (
    Actor,
    audit_event_record,
    audit_snapshot,
    status_compare_and_swap,
)
from qingling.employment.buses import Bus, TravelRequest, plan_buses
from qingling.employment.models import Seeker, Trip, TripSeat
from qingling.employment.selectors.trips import trip_candidates
from qingling.parties.services import personal_data_reveal_count

MAX_SEATS = 99
"""The largest coach we plan for; observed loads are 35 to 52 (docs/employment.md)."""
NUMBER_PREFIX = "ZC"
TRIP_AUDIT_FIELDS = (
    "status",
    "number",
    "date",
    "destination",
    "seats",
    "departed_at",
    "departure_note",
    "arrived_at",
)
SEAT_AUDIT_FIELDS = ("trip", "number", "pickup_point", "boarded_at", "handed_over_at")

S = Trip.Status
PICKUP_POINT_MAX = 100  # TripSeat.pickup_point
ORIGIN_MAX = RECEIVED_BY_MAX = 100  # Trip.origin, Trip.received_by
DEPARTURE_NOTE_MAX = 500  # Trip.departure_note


@dataclass(frozen=True)
class TripTransition:
    source: str
    target: str
    guard: str = ""  # the name of a data check in GUARDS


TRANSITIONS: tuple[TripTransition, ...] = (
    TripTransition(S.PLANNED, S.DEPARTED, guard="someone_boarded"),
    TripTransition(S.DEPARTED, S.ARRIVED, guard="received_by_given"),
    TripTransition(S.PLANNED, S.CANCELLED),
)


def trip_transition_for(source: str, target: str) -> TripTransition | None:
    return next((t for t in TRANSITIONS if t.source == source and t.target == target), None)


def trip_allowed_targets(source: str) -> list[str]:
    return [t.target for t in TRANSITIONS if t.source == source]


# --- planning ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unplannable:
    seeker: Seeker
    reason: str


@dataclass(frozen=True)
class TripPlanResult:
    trips: list[Trip]
    optimal: bool
    """The number of buses is proven minimal."""
    lower_bound: int
    """No plan of these workers needs fewer buses than this."""
    unplannable: list[Unplannable]
    seated: int = 0
    """How many workers got a seat."""
    seconds: float = 0.0


def pickup_point_for(seeker: Seeker) -> str:
    """Where a worker boards unless staff say otherwise: their county and township."""
    return f"{seeker.division.name}{seeker.township}"[:PICKUP_POINT_MAX]


def _seat_order(seeker: Seeker) -> tuple[str, str, str, str, int]:
    return (seeker.division_id, seeker.township, seeker.village, seeker.person.name, seeker.pk)


def _window(seeker: Seeker, today: dt.date) -> tuple[dt.date, dt.date] | str:
    """The dates a worker can travel on, or why they cannot be planned."""
    if seeker.earliest is None or seeker.latest is None:
        return _("no travel window")
    if seeker.latest < today:
        return _("the travel window is over")
    return max(seeker.earliest, today), seeker.latest


def _check_plan_input(*, seats: int, origin: str, time_limit: float) -> str:
    problems: dict[str, list[str]] = {}
    if not 1 <= seats <= MAX_SEATS:
        problems["seats"] = [
            _("A bus has between 1 and %(max)d seats.") % {"max": MAX_SEATS},
        ]
    origin = " ".join(origin.split())
    if not origin:
        problems["origin"] = [_("Say where the buses leave from.")]
    elif len(origin) > ORIGIN_MAX:
        problems["origin"] = [_("At most %(limit)d characters.") % {"limit": ORIGIN_MAX}]
    if not 0 < time_limit <= 600:
        problems["time_limit"] = [_("Between 0 and 600 seconds.")]
    if problems:
        first = next(iter(problems.values()))[0]
        raise InvalidInput(first, extra={"fields": problems})
    return origin


def _number_base(day: dt.date) -> str:
    return f"{NUMBER_PREFIX}-{day:%Y%m%d}-"


def _last_number(day: dt.date) -> int:
    """The highest sequence number used on ``day`` (cancelled trips keep theirs)."""
    base = _number_base(day)
    used = Trip.objects.filter(number__startswith=base).values_list("number", flat=True)
    return max((int(n[len(base) :]) for n in used if n[len(base) :].isdigit()), default=0)


def trips_plan(
    *,
    destination: Division | None,
    seats: int,
    origin: str,
    time_limit: float = 10.0,
    actor: Actor,
) -> TripPlanResult:
    """Put every worker waiting for a bus (to ``destination``, or anywhere) on as few buses
    as the planner can prove, inside each worker's window; return the trips and who could
    not be planned.

    The planner runs before the transaction (it may take ``time_limit`` seconds, and on
    SQLite a transaction holds the database's one write lock); the transaction then checks
    that nobody it placed changed or got a seat meanwhile, and writes everything at once.
    """
    origin = _check_plan_input(seats=seats, origin=origin, time_limit=time_limit)
    today = clock.local_today()
    seekers = list(
        trip_candidates(destination=destination).select_related(
            "person", "division", "confirmed_destination"
        )
    )
    unplannable: list[Unplannable] = []
    requests: list[TravelRequest] = []
    by_key: dict[str, Seeker] = {}
    for seeker in seekers:
        window = _window(seeker, today)
        if isinstance(window, str):
            unplannable.append(Unplannable(seeker=seeker, reason=window))
            continue
        key = str(seeker.pk)
        by_key[key] = seeker
        requests.append(
            TravelRequest(
                worker=key,
                destination=str(seeker.confirmed_destination_id),
                earliest=window[0],
                latest=window[1],
            )
        )
    unplannable.sort(key=lambda u: _seat_order(u.seeker))
    if not requests:
        return TripPlanResult(trips=[], optimal=True, lower_bound=0, unplannable=unplannable)
    plan = plan_buses(requests, seats=seats, time_limit=time_limit)
    try:
        with transaction.atomic():
            _check_unchanged(list(by_key.values()))
            trips = _trips_write(plan.buses, by_key, seats=seats, origin=origin, actor=actor)
    except IntegrityError:  # a trip number or a seat taken by a plan running at the same time
        raise Conflict(
            _("Someone else planned buses at the same time; plan again."),
            code="trip_plan_conflict",
        ) from None
    return TripPlanResult(
        trips=trips,
        optimal=plan.optimal,
        lower_bound=plan.lower_bound,
        unplannable=unplannable,
        seated=len(requests),
        seconds=plan.seconds,
    )


def _fingerprint(seeker: Seeker) -> tuple[Any, ...]:
    return (seeker.pk, seeker.earliest, seeker.latest, seeker.confirmed_destination_id)


def _check_unchanged(seekers: Sequence[Seeker]) -> None:
    seen = {_fingerprint(s) for s in seekers}
    ids = [s.pk for s in seekers]
    now = {_fingerprint(s) for s in trip_candidates().filter(pk__in=ids)}
    if now != seen:
        raise Conflict(
            _(
                "Someone changed or seated some of these workers while the buses were "
                "being planned; plan again."
            ),
            code="trip_plan_conflict",
        )


def _trips_write(
    buses: Iterable[Bus], by_key: dict[str, Seeker], *, seats: int, origin: str, actor: Actor
) -> list[Trip]:
    created_by = actor if isinstance(actor, User) else None
    last: dict[dt.date, int] = {}
    trips: list[Trip] = []
    for bus in buses:
        if bus.date not in last:
            last[bus.date] = _last_number(bus.date)
        last[bus.date] += 1
        trip = Trip.objects.create(
            number=f"{_number_base(bus.date)}{last[bus.date]:02d}",
            date=bus.date,
            origin=origin,
            destination_id=bus.destination,
            seats=seats,
            created_by=created_by,
        )
        passengers = sorted((by_key[w] for w in bus.workers), key=_seat_order)
        TripSeat.objects.bulk_create(
            TripSeat(trip=trip, seeker=seeker, number=number, pickup_point=pickup_point_for(seeker))
            for number, seeker in enumerate(passengers, start=1)
        )
        audit_event_record(
            actor=actor,
            action="trip.plan",
            obj=trip,
            after={
                **audit_snapshot(trip, ("number", "date", "origin", "destination", "seats")),
                "passengers": len(passengers),
            },
        )
        trips.append(trip)
    return trips


# --- the trip's lifecycle ---------------------------------------------------------------------


def _someone_boarded(trip: Trip, received_by: str) -> None:
    if not trip.seat_rows.filter(boarded_at__isnull=False).exists():
        message = _("Nobody has boarded yet: check in at least one worker before departure.")
        raise InvalidInput(message, extra={"fields": {"boarded_at": [message]}})


def _received_by_given(trip: Trip, received_by: str) -> None:
    if not received_by:
        raise InvalidInput(
            _("Say who received the workers at the destination (抵达交接)."),
            extra={"fields": {"received_by": [_("Required.")]}},
        )
    if len(received_by) > RECEIVED_BY_MAX:
        message = _("At most %(limit)d characters.") % {"limit": RECEIVED_BY_MAX}
        raise InvalidInput(message, extra={"fields": {"received_by": [message]}})


GUARDS = {"someone_boarded": _someone_boarded, "received_by_given": _received_by_given}


def trip_departure_off_date(trip: Trip, today: dt.date) -> bool:
    """The bus would leave on a day other than the one it was planned for."""
    return trip.status == S.PLANNED and trip.date != today


def _departure_note_check(trip: Trip, note: str, today: dt.date) -> str:
    """A bus leaving on another day than planned (planned for 12-10, leaving on 12-02)
    leaves with a reason, or not at all: its passengers were told the planned day, their
    travel windows were checked against it, and the destination expects it then."""
    if not trip_departure_off_date(trip, today):
        return ""
    if not note:
        message = _(
            "This bus was planned for %(planned)s, not today (%(today)s). Check that this "
            "is the right bus, and say why it leaves on another day."
        ) % {"planned": trip.date.isoformat(), "today": today.isoformat()}
        raise ApplicationError(
            message,
            code="trip_departs_off_date",
            extra={
                "fields": {"departure_note": [message]},
                "planned": trip.date.isoformat(),
                "today": today.isoformat(),
            },
        )
    if len(note) > DEPARTURE_NOTE_MAX:
        message = _("At most %(limit)d characters.") % {"limit": DEPARTURE_NOTE_MAX}
        raise InvalidInput(message, extra={"fields": {"departure_note": [message]}})
    return note


@transaction.atomic
def trip_transition(
    *, trip: Trip, to: str, actor: Actor, received_by: str = "", departure_note: str = ""
) -> Trip:
    """Move a trip along ``TRANSITIONS``: depart (someone boarded; the seats of those who
    did not are released; on a day other than planned only with ``departure_note``, the
    reason, which is kept), arrive (handed over to ``received_by``, which stamps every
    boarded seat), or cancel (its seats are deleted)."""
    step = trip_transition_for(trip.status, to)
    if step is None:
        target = Trip.Status(to).label if to in Trip.Status.values else to
        message = _("A trip that is %(status)s cannot become %(target)s.") % {
            "status": trip.get_status_display(),
            "target": target,
        }
        raise Conflict(
            message,
            code="trip_transition_not_allowed",
            extra={"status": trip.status, "target": to, "fields": {"to": [message]}},
        )
    received_by = " ".join(received_by.split())
    if step.guard:
        GUARDS[step.guard](trip, received_by)
    now = clock.now()
    values: dict[str, Any] = {"status": to, "updated_at": now}
    if to == S.DEPARTED:
        note = " ".join(departure_note.split())
        values["departed_at"] = now
        values["departure_note"] = _departure_note_check(trip, note, clock.local_today())
    elif to == S.ARRIVED:
        values |= {"arrived_at": now, "received_by": received_by}
    status_compare_and_swap(
        obj=trip,
        values=values,
        conflict=_trip_moved(),
        actor=actor,
        action=f"trip.{to}",
        audit_fields=TRIP_AUDIT_FIELDS,
    )
    if to == S.DEPARTED:
        for seat in trip.seat_rows.filter(boarded_at__isnull=True).order_by("number"):
            _seat_delete(seat, trip=trip, actor=actor, reason=NOT_BOARDED)
    elif to == S.ARRIVED:
        trip.seat_rows.filter(boarded_at__isnull=False).update(handed_over_at=now)
    elif to == S.CANCELLED:
        freed, _by_model = trip.seat_rows.all().delete()
        audit_event_record(
            actor=actor, action="trip.seats_free", obj=trip, after={"seats_freed": freed}
        )
    return trip


def _trip_moved() -> Conflict:
    message = _("Someone else moved this trip first; reload it.")
    return Conflict(message, code="trip_conflict", extra={"fields": {"status": [message]}})


@transaction.atomic
def trip_escort_set(*, trip: Trip, escort: User | None, actor: Actor) -> Trip:
    """Name the member of staff who travels with the bus (or nobody): the only one who may
    see its passengers' full mobile numbers (``trip_seat_phone_reveal``)."""
    if trip.status not in (S.PLANNED, S.DEPARTED):
        raise _trip_not_planned(trip.status)
    if escort is not None and not escort.is_active:
        message = _("Choose an active member of staff.")
        raise InvalidInput(message, extra={"fields": {"escort": [message]}})
    before = audit_snapshot(trip, ("escort",))
    trip.escort = escort
    trip.save(update_fields=["escort", "updated_at"])
    audit_event_record(
        actor=actor,
        action="trip.escort_set",
        obj=trip,
        before=before,
        after=audit_snapshot(trip, ("escort",)),
    )
    return trip


def trip_seat_phone_reveal(*, seat: TripSeat, actor: Actor) -> str:
    """The full mobile number of a passenger, for the trip's escort only, while the trip
    is planned or on the road (so that a worker who has not come can be called). Each
    reveal is an audit row on the person (``person.reveal_phone``) naming the trip and seat,
    and counts against the escort's personal-data limit like any reveal; everyone else,
    and the escort on other trips, sees the masked number."""
    trip = seat.trip
    if actor is None or trip.escort_id is None or trip.escort_id != actor.pk:
        raise Forbidden(
            _("Only the escort of this bus sees its passengers' full numbers."),
            code="trip_not_escort",
        )
    if trip.status not in (S.PLANNED, S.DEPARTED):
        raise Forbidden(
            _("The bus has arrived or was cancelled: its passengers' numbers stay masked."),
            code="trip_over",
        )
    person = seat.seeker.person
    if not person.phone_sealed:
        raise InvalidInput(_("No mobile number is recorded for this worker."))
    with transaction.atomic():
        personal_data_reveal_count(actor=actor)  # the limit shared with every reveal
        audit_event_record(
            actor=actor,
            action="person.reveal_phone",
            obj=person,
            reason=f"escort of trip {trip.number}, seat {seat.number}",
        )
    return unseal(person.phone_sealed, purpose="phone")


@transaction.atomic
def trip_manifest_export_record(*, trip: Trip, actor: Actor) -> None:
    """Record that a trip's passenger list left the platform (as a file)."""
    audit_event_record(
        actor=actor,
        action="trip.manifest_export",
        obj=trip,
        after={"rows": trip.seat_rows.count()},
    )


# --- seats ------------------------------------------------------------------------------------

NOT_BOARDED = "not boarded when the bus departed"
"""The audited reason of the releases made by a departure."""
RELEASE_REASON_MAX = 500  # AuditEvent.reason


def _trip_not_planned(status: str) -> Conflict:
    message = _("The trip is %(status)s: its seats can no longer change.") % {
        "status": Trip.Status(status).label
    }
    return Conflict(
        message,
        code="trip_not_planned",
        extra={"status": status, "fields": {"status": [message]}},
    )


def _seat_delete(seat: TripSeat, *, trip: Trip, actor: Actor, reason: str) -> None:
    """Delete the seat (its worker can be planned again), audited on the trip by seat
    number: never the worker."""
    before = audit_snapshot(seat, ("number", "pickup_point", "boarded_at"))
    seat.delete()
    audit_event_record(
        actor=actor, action="trip.seat_release", obj=trip, before=before, reason=reason
    )


@transaction.atomic
def trip_seat_release(*, seat: TripSeat, actor: Actor, reason: str) -> None:
    """Give up a seat of a planned trip so that its worker can be planned again, e.g.
    because their window, destination, job or going out changed. ``reason`` is audited:
    it must not name the worker. A seat already released is left as it is; a trip no
    longer planned refuses (``Conflict``, ``trip_not_planned``)."""
    reason = " ".join(reason.split())
    if not reason:
        message = _("Say why the seat is released.")
        raise InvalidInput(message, extra={"fields": {"reason": [message]}})
    trip = Trip.objects.select_for_update().get(pk=seat.trip_id)  # departure waits for us
    if trip.status != S.PLANNED:
        raise _trip_not_planned(trip.status)
    current = TripSeat.objects.filter(pk=seat.pk).first()
    if current is None:
        return
    _seat_delete(current, trip=trip, actor=actor, reason=reason[:RELEASE_REASON_MAX])


def _seat_move(
    seat: TripSeat,
    *,
    when: Q,
    values: dict[str, Any],
    conflict: Callable[[TripSeat], Conflict],
    action: str,
    actor: Actor,
) -> None:
    """Compare-and-swap on the seat while its trip is planned; audited on the seat.

    ``when`` is what the caller saw of the seat; if it no longer holds, ``conflict`` of
    the seat as it is now says why."""
    before = audit_snapshot(seat, SEAT_AUDIT_FIELDS)
    changed = TripSeat.objects.filter(when, pk=seat.pk, trip__status=S.PLANNED).update(**values)
    if changed != 1:
        status = Trip.objects.filter(pk=seat.trip_id).values_list("status", flat=True).get()
        if status != S.PLANNED:
            raise _trip_not_planned(status)
        if not TripSeat.objects.filter(pk=seat.pk).exists():
            message = _("Seat %(number)d has been released; reload the page.") % {
                "number": seat.number
            }
            raise Conflict(
                message, code="trip_seat_released", extra={"fields": {"seat": [message]}}
            )
        seat.refresh_from_db()
        raise conflict(seat)
    seat.refresh_from_db()
    audit_event_record(
        actor=actor,
        action=action,
        obj=seat,
        before=before,
        after=audit_snapshot(seat, SEAT_AUDIT_FIELDS),
    )


def _already_boarded(seat: TripSeat) -> Conflict:
    boarded_at = seat.boarded_at or clock.now()
    message = _("Seat %(number)d has already checked in, at %(time)s.") % {
        "number": seat.number,
        "time": f"{timezone.localtime(boarded_at):%H:%M}",
    }
    return Conflict(message, code="trip_seat_boarded", extra={"fields": {"boarded_at": [message]}})


def _not_boarded(seat: TripSeat) -> Conflict:
    message = _("Seat %(number)d has not checked in.") % {"number": seat.number}
    return Conflict(
        message, code="trip_seat_not_boarded", extra={"fields": {"boarded_at": [message]}}
    )


def _seat_changed(seat: TripSeat) -> Conflict:
    message = _("Someone else changed this seat first; reload the page.")
    return Conflict(
        message, code="trip_seat_conflict", extra={"fields": {"pickup_point": [message]}}
    )


@transaction.atomic
def trip_seat_board(*, seat: TripSeat, actor: Actor) -> TripSeat:
    """Boarding check-in (身份核验 on the bus day); a second check-in is refused."""
    if seat.boarded_at is not None:
        raise _already_boarded(seat)
    _seat_move(
        seat,
        when=Q(boarded_at__isnull=True),
        values={"boarded_at": clock.now()},
        conflict=_already_boarded,
        action="trip_seat.board",
        actor=actor,
    )
    return seat


@transaction.atomic
def trip_seat_unboard(*, seat: TripSeat, actor: Actor) -> TripSeat:
    """Undo a check-in made by mistake, while the bus has not left."""
    if seat.boarded_at is None:
        raise _not_boarded(seat)
    _seat_move(
        seat,
        when=Q(boarded_at__isnull=False),
        values={"boarded_at": None},
        conflict=_not_boarded,
        action="trip_seat.unboard",
        actor=actor,
    )
    return seat


@transaction.atomic
def trip_seat_pickup_set(*, seat: TripSeat, pickup_point: str, actor: Actor) -> TripSeat:
    """Change where a worker boards, while the bus has not left."""
    pickup_point = " ".join(pickup_point.split())
    if not pickup_point or len(pickup_point) > PICKUP_POINT_MAX:
        message = (
            _("Say where the worker boards.")
            if not pickup_point
            else _("At most %(limit)d characters.") % {"limit": PICKUP_POINT_MAX}
        )
        raise InvalidInput(message, extra={"fields": {"pickup_point": [message]}})
    if pickup_point == seat.pickup_point:
        return seat
    _seat_move(
        seat,
        when=Q(pickup_point=seat.pickup_point),
        values={"pickup_point": pickup_point},
        conflict=_seat_changed,
        action="trip_seat.pickup_set",
        actor=actor,
    )
    return seat
