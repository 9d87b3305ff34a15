"""The decision procedure's writes: the notice of the intended decision, the defence or
its waiver, the decisions, and the one transition service (``procedure.py`` holds the
table and the clocks; ``enforcement.py`` the steps after the decisions).

1. ``proceeding_start``: an order served and unpaid after its date (and/or an offence
   with a fine) → the 事先告知书 is generated (the facts, the legal basis, the intended
   compensation per worker and fine, the right to 陈述申辩, and to a 听证 when the fine
   reaches ``QINGLING_HEARING_FINE_THRESHOLD``). It must be served (``serving``) before
   anything runs: serving it starts the defence period (``notice_served``).
2. ``proceeding_defence_record`` / ``proceeding_defence_answer``: what the party said,
   and the bureau's answer (adopted or not, with reasons); or
   ``proceeding_waiver_record``: the party waived its defence in writing.
3. ``proceeding_decide`` (a chief): only after the defence period has ended or a
   written waiver, every statement answered and any hearing held. It generates the
   行政处理决定书 (wages and extra compensation per worker) and/or the 行政处罚决定书,
   and orders the compensation (``Compensation``) and the fine (``Penalty``). Neither
   may be heavier than the notice announced (行政处罚法 Art. 45). Their dates to pay
   and the periods for review and suit run from their service.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from qingling.accounts.permissions import Perm, can
from qingling.cases.compensation import CompensationLine, compensation_lines, rate_check
from qingling.cases.deadlines import order_overdue
from qingling.cases.documents import WITHHELD_NAME, case_informants, document_generate
from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import (
    Case,
    Challenge,
    Compensation,
    CourtRuling,
    Document,
    Penalty,
    Proceeding,
    Service,
)
from qingling.cases.penalties import penalty_check
from qingling.cases.procedure import (
    APPLICATION_MONTHS,
    DECISION_PAYMENT_DAYS,
    FINE_PAYMENT_DAYS,
    HEARING_NOTICE_WORKING_DAYS,
    HEARING_REQUEST_WORKING_DAYS,
    LIVE_STATUSES,
    PENALTY_DECISION_DAYS,
    REMINDER_WORKING_DAYS,
    REVIEW_DAYS,
    SUIT_MONTHS,
    ProceedingActor,
    ProceedingStatus,
    transition_for,
)
from qingling.cases.services import case_step_actors, case_writable_check
from qingling.core import clock
from qingling.core.calendars import add_months
from qingling.core.exceptions import ApplicationError, Conflict, Forbidden, InvalidInput
from qingling.core.money import yuan
from qingling.core.selectors import calendar_days_add, work_calendar, workdays_add
from qingling.core.services import Actor, audit_event_record, audit_snapshot

S = ProceedingStatus
PROCEEDING_AUDIT_FIELDS = (
    "status",
    "notice_served_on",
    "defence_due",
    "waived_on",
    "decided_on",
    "decisions_served_on",
    "review_until",
    "suit_until",
    "final_on",
    "reminder_due",
    "application_due",
    "applied_on",
    "ruling",
)


class ProceedingNotAllowed(ApplicationError):
    status = 409

    def __init__(self, message: str, *, field: str = "") -> None:
        extra = {"fields": {field: [message]}} if field else None
        super().__init__(message, code="proceeding_step_not_allowed", extra=extra)


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, extra={"fields": {field: [message]}})


def _date(value: dt.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def _rate_text(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


# --- the clocks (each counted from the day a service counts, procedure.py) -------------------


def rest_day_rolled(day: dt.date) -> dt.date:
    """A last day that falls on a rest day moves to the next working day (民法典 Art. 203)."""
    calendar = work_calendar()
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def defence_due(served_on: dt.date) -> dt.date:
    """The last day of the defence: ``QINGLING_DEFENCE_WORKING_DAYS`` working days."""
    return workdays_add(start=served_on, days=settings.QINGLING_DEFENCE_WORKING_DAYS).date


def hearing_request_due(served_on: dt.date) -> dt.date:
    return workdays_add(start=served_on, days=HEARING_REQUEST_WORKING_DAYS).date


def hearing_earliest(notified_on: dt.date) -> dt.date:
    """The first day a hearing may be held: the party is told at least 7 working days
    before (行政处罚法 Art. 64; Art. 85: 七日 are working days)."""
    return workdays_add(start=notified_on, days=HEARING_NOTICE_WORKING_DAYS).date


def penalty_decision_due(case: Case) -> dt.date:
    """The last day for the penalty decision: 90 calendar days after 立案 (行政处罚法
    Art. 60), rolled off a rest day (Art. 85); for a case extended with approval, the
    extended investigation date if later (to confirm, docs/legal-rules.md)."""
    due = calendar_days_add(start=case.opened_on, days=PENALTY_DECISION_DAYS).date
    if case.extended and case.investigation_due is not None:
        due = max(due, case.investigation_due)
    return due


def review_until(served_on: dt.date) -> dt.date:
    """The last day to apply for 行政复议: 60 calendar days after service."""
    return calendar_days_add(start=served_on, days=REVIEW_DAYS).date


def suit_until(served_on: dt.date) -> dt.date:
    """The last day to sue: the same day 6 months after service (民法典 Art. 202), rolled
    off a rest day."""
    return rest_day_rolled(add_months(served_on, SUIT_MONTHS))


def payment_due(served_on: dt.date, days: int = DECISION_PAYMENT_DAYS) -> dt.date:
    return calendar_days_add(start=served_on, days=days).date


def fine_due(served_on: dt.date) -> dt.date:
    """The last day to pay a fine: 15 calendar days after service (行政处罚法 Art. 67)."""
    return calendar_days_add(start=served_on, days=FINE_PAYMENT_DAYS).date


def reminder_due(served_on: dt.date) -> dt.date:
    """The end of the reminder's period: 10 working days after its service (行政强制法
    Art. 54; Art. 69: 10 days or less are working days)."""
    return workdays_add(start=served_on, days=REMINDER_WORKING_DAYS).date


def application_due(periods_end: dt.date) -> dt.date:
    """The last day to apply to the court: 3 months after the periods for review and
    suit have ended (行政强制法 Art. 53), rolled off a rest day."""
    return rest_day_rolled(add_months(periods_end, APPLICATION_MONTHS))


# --- reading ---------------------------------------------------------------------------------


def proceeding_live(*, case: Case) -> Proceeding | None:
    return case.proceedings.filter(status__in=LIVE_STATUSES).first()


def _require_worker(case: Case, actor: Actor) -> None:
    case_writable_check(case)  # an archived case is read-only; called first by every write
    if not (can(actor, Perm.CASE_WORK) and case_step_actors(case, actor)):
        raise Forbidden(_("Only the case's inspectors or a chief may change it."))
    if case.status == CaseStatus.CLOSED:
        raise Conflict(_("The case is closed."), code="case_closed")


def _fresh(proceeding: Proceeding) -> Proceeding:
    """The row locked until the transaction ends (PostgreSQL; SQLite serialises writers)."""
    return Proceeding.objects.select_for_update().select_related("case").get(pk=proceeding.pk)


def _first_service(document: Document | None) -> dt.date | None:
    if document is None:
        return None
    service = Service.objects.filter(document=document).order_by("effective_on").first()
    return service.effective_on if service is not None else None


# --- the documents' content ------------------------------------------------------------------


def _withheld(case: Case) -> frozenset[int]:
    return frozenset(i.person_id for i in case_informants(case) if i.person_id is not None)


def _compensation_rows(case: Case, lines: list[CompensationLine], rate: Decimal) -> list[list[str]]:
    withheld = _withheld(case)
    rows = [["序号", "姓名", "逾期未支付工资（元）", "加付比例", "加付赔偿金（元）"]]
    for n, line in enumerate(lines, start=1):
        name = WITHHELD_NAME if line.claim.worker_id in withheld else line.claim.worker.name
        rows.append([str(n), name, yuan(line.base), _rate_text(rate), yuan(line.amount)])
    return rows


def _intended_text(*, lines: list[CompensationLine], rate: Decimal | None, fine_text: str) -> str:
    parts = []
    if rate is not None and lines:
        total = sum((line.amount for line in lines), Decimal(0))
        parts.append(
            f"责令你单位按逾期未支付工资的{_rate_text(rate)}向下列劳动者加付赔偿金共计"
            f"{yuan(total)}元（《劳动保障监察条例》第二十六条、《中华人民共和国劳动合同法》"
            "第八十五条）"
        )
    if fine_text:
        parts.append(fine_text)
    return "；".join(parts) + "。"


# --- 1. the notice ---------------------------------------------------------------------------


@transaction.atomic
def proceeding_start(
    *,
    case: Case,
    actor: Actor,
    rate: Decimal | None = None,
    rate_reason: str = "",
    fine_key: str = "",
    fine_amount: Decimal | None = None,
) -> Proceeding:
    """Generate the notice of the intended decision (事先告知书) and open the procedure.

    Compensation may be intended only once the order to pay was served and its date
    passed with wages unpaid (``deadlines.order_overdue``); a fine only within its
    range (``fines.FINES``). The notice must then be served before the defence runs.
    """
    case_writable_check(case)
    _require_worker(case, actor)
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk").first()
    if proceeding_live(case=case) is not None:
        raise Conflict(
            _("The case already has a decision procedure under way."), code="proceeding_live"
        )
    if rate is None and not fine_key:
        raise _invalid("rate", _("Announce extra compensation, a fine, or both."))
    lines: list[CompensationLine] = []
    today = clock.local_today()
    if rate is not None:
        if case.order_served_on is None:
            raise ProceedingNotAllowed(
                _(
                    "The order to pay has not been served: its date is not running, so no "
                    "extra compensation can be announced. Record its service first."
                ),
                field="rate",
            )
        if not order_overdue(case, today=today):
            raise ProceedingNotAllowed(
                _(
                    "Extra compensation is due only when wages are still unpaid after the "
                    "order's date (%(date)s) (监察条例 Art. 26)."
                )
                % {"date": case.order_due.isoformat() if case.order_due else ""},
                field="rate",
            )
        rate_check(rate, rate_reason)
        lines = compensation_lines(case=case, rate=rate)
        if not lines:
            raise ProceedingNotAllowed(
                _("Everything ordered was paid by the order's date: no extra compensation is due."),
                field="rate",
            )
    fine_text = ""
    hearing = False
    if fine_key:
        fine = penalty_check(fine_key=fine_key, amount=fine_amount)
        assert fine_amount is not None
        fine_text = f"依据{fine.source}，对你单位处以罚款人民币{yuan(fine_amount)}元"
        hearing = fine_amount >= settings.QINGLING_HEARING_FINE_THRESHOLD
    hearing_right = (
        "拟作出的罚款属较大数额罚款，根据《中华人民共和国行政处罚法》第六十三条、第六十四条，"
        f"你单位有权要求听证；要求听证的，应当在收到本告知书之日起{HEARING_REQUEST_WORKING_DAYS}"
        "个工作日内提出，逾期视为放弃。"
        if hearing
        else ""
    )
    notice = document_generate(
        case=case,
        kind=Document.Kind.HEARING_NOTICE,
        actor=actor,
        procedure={
            "intended": _intended_text(lines=lines, rate=rate, fine_text=fine_text),
            "defence_days": str(settings.QINGLING_DEFENCE_WORKING_DAYS),
            "hearing_right": hearing_right,
            "order_served_on": _date(case.order_served_on) or "—",
            "order_due": _date(case.order_due) or "—",
        },
        rows=_compensation_rows(case, lines, rate) if rate is not None else [["—"]],
    )
    proceeding = Proceeding.objects.create(
        case=case,
        status=S.NOTIFIED,
        status_changed_at=clock.now(),
        notice=notice,
        intended_rate=rate,
        intended_rate_reason=rate_reason.strip(),
        intended_fine_key=fine_key,
        intended_fine=fine_amount if fine_key else None,
        hearing_offered=hearing,
    )
    audit_event_record(
        actor=actor,
        action="case.proceeding_start",
        obj=case,
        after={
            "notice": notice.number,
            "rate": str(rate) if rate is not None else None,
            "fine_key": fine_key,
            "fine": str(fine_amount) if fine_key else None,
            "hearing_offered": hearing,
            "compensation": str(sum((line.amount for line in lines), Decimal(0))),
        },
    )
    return proceeding


# --- service starts the clocks (called by serving.service_record) ----------------------------


def proceeding_document_served(*, document: Document, effective_on: dt.date) -> dict[str, str]:
    """Start the clock that the service of ``document`` starts, on its first service;
    returns what was set (for the service's audit row), or nothing."""
    kind = document.kind
    if kind not in Document.PROCEDURE_KINDS:
        return {}
    values: dict[str, Any] = {}
    if kind == Document.Kind.HEARING_NOTICE:
        proceeding = Proceeding.objects.filter(notice=document, notice_served_on=None).first()
        if proceeding is not None:
            values = {"notice_served_on": effective_on, "defence_due": defence_due(effective_on)}
    elif kind == Document.Kind.ENFORCEMENT_REMINDER:
        proceeding = Proceeding.objects.filter(reminder=document, reminder_served_on=None).first()
        if proceeding is not None:
            values = {
                "reminder_served_on": effective_on,
                "reminder_due": reminder_due(effective_on),
            }
    else:
        proceeding = (
            Proceeding.objects.filter(decision=document).first()
            if kind == Document.Kind.DECISION
            else Proceeding.objects.filter(penalty_decision=document).first()
        )
        if proceeding is None or proceeding.decided_on is None:
            return {}
        if kind == Document.Kind.DECISION and proceeding.payment_due is None:
            values["payment_due"] = payment_due(effective_on)
        if kind == Document.Kind.PENALTY_DECISION:
            Penalty.objects.filter(proceeding=proceeding, due=None).update(
                due=fine_due(effective_on), updated_at=clock.now()
            )
        served = [
            _first_service(d)
            for d in (proceeding.decision, proceeding.penalty_decision)
            if d is not None
        ]
        if all(served) and proceeding.decisions_served_on is None:
            last = max(day for day in served if day is not None)
            values |= {
                "decisions_served_on": last,
                "review_until": review_until(last),
                "suit_until": suit_until(last),
            }
    if not values or proceeding is None:
        return {}
    Proceeding.objects.filter(pk=proceeding.pk).update(**values, updated_at=clock.now())
    return {key: value.isoformat() for key, value in values.items()}


# --- 2. the defence --------------------------------------------------------------------------


def _require_defence_open(proceeding: Proceeding) -> None:
    if proceeding.status != S.NOTIFIED:
        raise Conflict(_("The decision was taken already."), code="proceeding_decided")
    if proceeding.notice_served_on is None:
        raise ProceedingNotAllowed(
            _(
                "The notice of the intended decision (%(number)s) has not been served: the "
                "defence period is not running. Record its service first."
            )
            % {"number": proceeding.notice.number}
        )


def _check_day(field: str, day: dt.date, proceeding: Proceeding) -> None:
    assert proceeding.notice_served_on is not None
    if day < proceeding.notice_served_on:
        raise _invalid(
            field,
            _("The date cannot be before the notice was served (%(date)s).")
            % {"date": proceeding.notice_served_on.isoformat()},
        )
    if day > clock.local_today():
        raise _invalid(field, _("The date is in the future."))


@transaction.atomic
def proceeding_defence_record(
    *,
    proceeding: Proceeding,
    statement: str,
    received_on: dt.date,
    hearing_requested: bool = False,
    actor: Actor,
) -> Proceeding:
    """Record the party's statement and defence (陈述申辩), and whether it asked for a
    hearing (only where one was offered, within 5 working days of the notice)."""
    case_writable_check(proceeding.case)
    proceeding = _fresh(proceeding)
    case = proceeding.case
    _require_worker(case, actor)
    _require_defence_open(proceeding)
    if not statement.strip():
        raise _invalid("statement", _("Write down what the party stated."))
    _check_day("received_on", received_on, proceeding)
    if hearing_requested:
        if not proceeding.hearing_offered:
            raise _invalid(
                "hearing_requested",
                _(
                    "No hearing was offered: the fine is below the hearing threshold (听证, "
                    "行政处罚法 Art. 63)."
                ),
            )
        assert proceeding.notice_served_on is not None
        last = hearing_request_due(proceeding.notice_served_on)
        if received_on > last:
            raise _invalid(
                "hearing_requested",
                _(
                    "A hearing must be asked for within %(days)d working days of the notice, by "
                    "%(date)s (行政处罚法 Art. 64)."
                )
                % {"days": HEARING_REQUEST_WORKING_DAYS, "date": last.isoformat()},
            )
    before = audit_snapshot(proceeding, ("statement", "hearing_requested"))
    proceeding.statement = statement.strip()
    proceeding.statement_received_on = received_on
    proceeding.hearing_requested = hearing_requested
    proceeding.answer_adopted = None
    proceeding.answer_reasons = ""
    proceeding.save(
        update_fields=[
            "statement",
            "statement_received_on",
            "hearing_requested",
            "answer_adopted",
            "answer_reasons",
            "updated_at",
        ]
    )
    audit_event_record(
        actor=actor,
        action="case.proceeding_defence",
        obj=case,
        before=before,
        after={
            "received_on": received_on.isoformat(),
            "hearing_requested": hearing_requested,
        },
    )
    return proceeding


@transaction.atomic
def proceeding_hearing_notice_record(
    *,
    proceeding: Proceeding,
    notified_on: dt.date,
    hearing_on: dt.date,
    place: str,
    actor: Actor,
) -> Proceeding:
    """Record the hearing notice (听证通知) given to the party who asked for a hearing:
    when it was told, the hearing's date and place. The hearing is at least 7 working
    days after the notice (行政处罚法 Art. 64); a new notice (a postponed hearing)
    replaces the last."""
    case_writable_check(proceeding.case)
    proceeding = _fresh(proceeding)
    case = proceeding.case
    _require_worker(case, actor)
    _require_defence_open(proceeding)
    if not proceeding.hearing_requested:
        raise ProceedingNotAllowed(
            _("The party has not asked for a hearing: record its request with its defence first."),
            field="hearing_on",
        )
    _check_day("notified_on", notified_on, proceeding)
    if not place.strip():
        raise _invalid("place", _("Give the place of the hearing."))
    earliest = hearing_earliest(notified_on)
    if hearing_on < earliest:
        raise _invalid(
            "hearing_on",
            _(
                "The party must be told of the hearing at least %(days)d working days before it "
                "(行政处罚法 Art. 64): told on %(notified)s, the hearing can be held on "
                "%(date)s at the earliest."
            )
            % {
                "days": HEARING_NOTICE_WORKING_DAYS,
                "notified": notified_on.isoformat(),
                "date": earliest.isoformat(),
            },
        )
    before = audit_snapshot(proceeding, ("hearing_notified_on", "hearing_on", "hearing_place"))
    proceeding.hearing_notified_on = notified_on
    proceeding.hearing_on = hearing_on
    proceeding.hearing_place = place.strip()
    proceeding.save(
        update_fields=["hearing_notified_on", "hearing_on", "hearing_place", "updated_at"]
    )
    audit_event_record(
        actor=actor,
        action="case.proceeding_hearing_notice",
        obj=case,
        before=before,
        after={
            "hearing_notified_on": notified_on.isoformat(),
            "hearing_on": hearing_on.isoformat(),
            "hearing_place": proceeding.hearing_place,
        },
    )
    return proceeding


@transaction.atomic
def proceeding_defence_answer(
    *,
    proceeding: Proceeding,
    adopted: bool,
    reasons: str,
    hearing_held_on: dt.date | None = None,
    actor: Actor,
) -> Proceeding:
    """The bureau's answer to the defence: adopted or not, with its reasons (行政处罚法
    Art. 45: the facts, reasons and evidence the party gives are checked), and the day
    of the hearing when one was asked for."""
    case_writable_check(proceeding.case)
    proceeding = _fresh(proceeding)
    case = proceeding.case
    _require_worker(case, actor)
    _require_defence_open(proceeding)
    if not proceeding.statement:
        raise ProceedingNotAllowed(
            _("No statement of the party is recorded; record it first."), field="statement"
        )
    if not reasons.strip():
        raise _invalid("reasons", _("Give the reasons for adopting the defence or not."))
    if proceeding.hearing_requested:
        if hearing_held_on is None:
            raise _invalid(
                "hearing_held_on",
                _("The party asked for a hearing: give the day it was held (行政处罚法 Art. 64)."),
            )
        if proceeding.hearing_on is None:
            raise ProceedingNotAllowed(
                _(
                    "Record the hearing notice given to the party first (at least %(days)d "
                    "working days before the hearing, 行政处罚法 Art. 64)."
                )
                % {"days": HEARING_NOTICE_WORKING_DAYS},
                field="hearing_on",
            )
        _check_day("hearing_held_on", hearing_held_on, proceeding)
        if hearing_held_on < proceeding.hearing_on:
            raise _invalid(
                "hearing_held_on",
                _(
                    "The hearing cannot be held before the date the party was told, %(date)s "
                    "(行政处罚法 Art. 64)."
                )
                % {"date": proceeding.hearing_on.isoformat()},
            )
    proceeding.answer_adopted = adopted
    proceeding.answer_reasons = reasons.strip()
    proceeding.hearing_held_on = hearing_held_on
    proceeding.save(
        update_fields=["answer_adopted", "answer_reasons", "hearing_held_on", "updated_at"]
    )
    audit_event_record(
        actor=actor,
        action="case.proceeding_answer",
        obj=case,
        after={
            "adopted": adopted,
            "reasons": proceeding.answer_reasons,
            "hearing_held_on": hearing_held_on.isoformat() if hearing_held_on else None,
        },
    )
    return proceeding


@transaction.atomic
def proceeding_waiver_record(
    *, proceeding: Proceeding, waived_on: dt.date, note: str, actor: Actor
) -> Proceeding:
    """The party waived its statement and defence in writing (a signed 放弃陈述申辩
    声明): the decision need not wait for the end of the period."""
    case_writable_check(proceeding.case)
    proceeding = _fresh(proceeding)
    case = proceeding.case
    _require_worker(case, actor)
    _require_defence_open(proceeding)
    if not note.strip():
        raise _invalid("note", _("Describe the written waiver (who signed it, when)."))
    _check_day("waived_on", waived_on, proceeding)
    proceeding.waived_on = waived_on
    proceeding.waiver_note = note.strip()
    proceeding.save(update_fields=["waived_on", "waiver_note", "updated_at"])
    audit_event_record(
        actor=actor,
        action="case.proceeding_waiver",
        obj=case,
        after={"waived_on": waived_on.isoformat(), "note": proceeding.waiver_note},
    )
    return proceeding


# --- the one transition service --------------------------------------------------------------


def _guard_defence_over(proceeding: Proceeding, details: dict[str, Any]) -> None:
    if proceeding.notice_served_on is None or proceeding.defence_due is None:
        raise ProceedingNotAllowed(
            _(
                "The notice of the intended decision (%(number)s) has not been served: no "
                "decision can be issued before it is. Record its service first."
            )
            % {"number": proceeding.notice.number},
            field="decided_on",
        )
    today = clock.local_today()
    if proceeding.waived_on is None and today <= proceeding.defence_due:
        raise ProceedingNotAllowed(
            _(
                "A decision cannot be issued before the defence period ends on %(date)s "
                "(监察条例 Art. 19, 行政处罚法 Art. 45), unless the party waives it in writing."
            )
            % {"date": proceeding.defence_due.isoformat()},
            field="decided_on",
        )
    if proceeding.statement and proceeding.answer_adopted is None:
        raise ProceedingNotAllowed(
            _("The party's statement and defence must be answered before the decision."),
            field="answer_reasons",
        )
    if proceeding.hearing_requested and proceeding.hearing_held_on is None:
        raise ProceedingNotAllowed(
            _("The party asked for a hearing: hold it before the decision (行政处罚法 Art. 64)."),
            field="hearing_held_on",
        )


def _guard_reason_given(proceeding: Proceeding, details: dict[str, Any]) -> None:
    if not str(details.get("note", "")).strip():
        raise _invalid("note", _("Give the reason."))


def _pending_or_revoked(proceeding: Proceeding) -> str:
    challenges = Challenge.objects.filter(proceeding=proceeding)
    if challenges.filter(outcome=Challenge.Outcome.PENDING).exists():
        return "pending"
    if challenges.filter(outcome=Challenge.Outcome.REVOKED).exists():
        return "revoked"
    return ""


def _guard_periods_over(proceeding: Proceeding, details: dict[str, Any]) -> None:
    if proceeding.suit_until is None or proceeding.review_until is None:
        raise ProceedingNotAllowed(
            _(
                "The decisions have not all been served: the periods for review and suit "
                "are not running."
            )
        )
    if clock.local_today() <= max(proceeding.suit_until, proceeding.review_until):
        raise ProceedingNotAllowed(
            _(
                "The decisions are not final before the periods for review (60 days, "
                "行政复议法 Art. 20) and suit (6 months, 行政诉讼法 Art. 46) end on %(date)s."
            )
            % {"date": max(proceeding.suit_until, proceeding.review_until).isoformat()}
        )
    state = _pending_or_revoked(proceeding)
    if state == "pending":
        raise ProceedingNotAllowed(
            _("A review or suit against the decisions is pending: record its outcome first.")
        )
    if state == "revoked":
        raise ProceedingNotAllowed(
            _("A review or suit revoked or changed the decisions: they cannot be enforced.")
        )


def proceeding_carried_out(proceeding: Proceeding) -> bool:
    """Every compensation and fine paid, and no wages outstanding."""
    unpaid_compensation = any(c.outstanding > 0 for c in proceeding.compensations.all())
    unpaid_fine = proceeding.penalties.filter(paid_on=None).exists()
    wages = Case.objects.values_list("total_outstanding", flat=True).get(pk=proceeding.case_id)
    return not unpaid_compensation and not unpaid_fine and wages <= 0


def _guard_carried_out(proceeding: Proceeding, details: dict[str, Any]) -> None:
    if not proceeding_carried_out(proceeding):
        raise ProceedingNotAllowed(
            _("Not carried out yet: wages, extra compensation or the fine are still unpaid.")
        )


def _guard_reminder_generated(proceeding: Proceeding, details: dict[str, Any]) -> None:
    if not details.get("reminder"):
        raise ProceedingNotAllowed(_("Generate the reminder (催告书) with this step."))


def _guard_application_in_window(proceeding: Proceeding, details: dict[str, Any]) -> None:
    if proceeding.reminder_due is None:
        raise ProceedingNotAllowed(
            _(
                "The reminder (催告书) has not been served: its period is not running. Record its "
                "service first."
            ),
            field="applied_on",
        )
    applied_on = details.get("applied_on")
    if not isinstance(applied_on, dt.date):
        raise _invalid("applied_on", _("Give the day of the application."))
    if applied_on <= proceeding.reminder_due:
        raise ProceedingNotAllowed(
            _(
                "The court may be applied to only after the reminder's period ends on %(date)s "
                "(行政强制法 Art. 54)."
            )
            % {"date": proceeding.reminder_due.isoformat()},
            field="applied_on",
        )
    if proceeding.application_due is not None and applied_on > proceeding.application_due:
        raise ProceedingNotAllowed(
            _("The application to the court was due by %(date)s (行政强制法 Art. 53: 3 months).")
            % {"date": proceeding.application_due.isoformat()},
            field="applied_on",
        )
    if applied_on > clock.local_today():
        raise _invalid("applied_on", _("The date is in the future."))


def _guard_ruling_recorded(proceeding: Proceeding, details: dict[str, Any]) -> None:
    if details.get("ruling") not in CourtRuling.values:
        raise _invalid("ruling", _("Choose the court's ruling."))
    ruling_on = details.get("ruling_on")
    if not isinstance(ruling_on, dt.date) or (
        proceeding.applied_on is not None and ruling_on < proceeding.applied_on
    ):
        raise _invalid("ruling_on", _("Give the day of the ruling, not before the application."))


GUARDS = {
    "defence_over": _guard_defence_over,
    "reason_given": _guard_reason_given,
    "periods_over": _guard_periods_over,
    "carried_out": _guard_carried_out,
    "reminder_generated": _guard_reminder_generated,
    "application_in_window": _guard_application_in_window,
    "ruling_recorded": _guard_ruling_recorded,
}


def proceeding_step_actors(proceeding: Proceeding, actor: Actor) -> frozenset[str]:
    """The table's actors ``actor`` is for this proceeding (the case's step actors)."""
    return frozenset(
        a for a in case_step_actors(proceeding.case, actor) if a in ProceedingActor.values
    )


@transaction.atomic
def proceeding_transition(
    *,
    proceeding: Proceeding,
    target: str,
    actor: Actor,
    values: dict[str, Any] | None = None,
    **details: Any,
) -> Proceeding:
    """Move a proceeding along ``procedure.TRANSITIONS``: the table, the guard, then a
    compare-and-swap on the status the caller saw, audited on the case
    (``case.proceeding_<target>``). ``values``: the fields the step sets with it."""
    case = proceeding.case
    case_writable_check(case)
    if case.status == CaseStatus.CLOSED:
        raise Conflict(_("The case is closed."), code="case_closed")
    actors = proceeding_step_actors(proceeding, actor)
    step = transition_for(proceeding.status, target, actors)
    if step is None:
        allowed = transition_for(proceeding.status, target, frozenset(ProceedingActor.values))
        if allowed is None:
            raise ProceedingNotAllowed(
                _("A procedure that is %(status)s cannot become %(target)s.")
                % {
                    "status": proceeding.get_status_display(),
                    "target": ProceedingStatus(target).label,
                }
            )
        raise Forbidden(
            _("Only %(who)s may take this step.") % {"who": ProceedingActor(allowed.actor).label}
        )
    GUARDS[step.guard](proceeding, details)
    before = audit_snapshot(proceeding, PROCEEDING_AUDIT_FIELDS)
    now = clock.now()
    updated = Proceeding.objects.filter(pk=proceeding.pk, status=proceeding.status).update(
        status=target, status_changed_at=now, updated_at=now, **(values or {})
    )
    if updated != 1:
        raise Conflict(
            _("Someone else moved this procedure first; reload it."), code="proceeding_conflict"
        )
    proceeding.refresh_from_db()
    audit_event_record(
        actor=actor,
        action=f"case.proceeding_{target}",
        obj=case,
        before=before,
        after=audit_snapshot(proceeding, PROCEEDING_AUDIT_FIELDS),
        reason=str(details.get("note", "")),
    )
    return proceeding


# --- 3. the decisions ------------------------------------------------------------------------


def _answer_text(proceeding: Proceeding) -> str:
    if proceeding.waived_on is not None:
        return (
            f"本局于{_date(proceeding.notice_served_on)}向你单位送达事先告知书，你单位于"
            f"{_date(proceeding.waived_on)}书面放弃陈述、申辩。"
        )
    if proceeding.statement:
        verdict = "予以采纳" if proceeding.answer_adopted else "不予采纳"
        return (
            f"本局于{_date(proceeding.notice_served_on)}向你单位送达事先告知书，你单位提出陈述、"
            f"申辩意见：{proceeding.statement}。经复核，本局{verdict}，理由如下："
            f"{proceeding.answer_reasons}"
        )
    return (
        f"本局于{_date(proceeding.notice_served_on)}向你单位送达事先告知书，你单位在规定期限内"
        "未提出陈述、申辩意见。"
    )


@transaction.atomic
def proceeding_decide(
    *,
    proceeding: Proceeding,
    actor: Actor,
    rate: Decimal | None = None,
    rate_reason: str = "",
    fine_amount: Decimal | None = None,
) -> Proceeding:
    """Issue the decisions (a chief): the 行政处理决定书 ordering the wages and the extra
    compensation per worker (when compensation was announced) and/or the 行政处罚决定书
    (when a fine was). Neither may be heavier than the notice announced (行政处罚法
    Art. 45); each runs from its own service. Refused before the defence period ends
    (or a written waiver), with a statement unanswered, or a hearing not held."""
    case_writable_check(proceeding.case)
    proceeding = _fresh(proceeding)
    case = proceeding.case
    actors = proceeding_step_actors(proceeding, actor)
    if transition_for(proceeding.status, S.DECIDED, actors) is None:
        # the transition service says why (the status, or who may)
        proceeding_transition(proceeding=proceeding, target=S.DECIDED, actor=actor)
    _guard_defence_over(proceeding, {})
    lines: list[CompensationLine] = []
    if proceeding.intended_rate is not None:
        rate = proceeding.intended_rate if rate is None else rate
        rate_reason = rate_reason or proceeding.intended_rate_reason
        rate_check(rate, rate_reason)
        if rate > proceeding.intended_rate:
            raise _invalid(
                "rate",
                _(
                    "The rate cannot be higher than the %(rate)s the notice announced (行政处罚法 "
                    "Art. 45: no heavier decision because the party defended itself)."
                )
                % {"rate": _rate_text(proceeding.intended_rate)},
            )
        lines = compensation_lines(case=case, rate=rate)
    elif rate is not None:
        raise _invalid("rate", _("The notice announced no extra compensation."))
    fine = None
    if proceeding.intended_fine_key:
        assert proceeding.intended_fine is not None
        fine_amount = proceeding.intended_fine if fine_amount is None else fine_amount
        fine = penalty_check(fine_key=proceeding.intended_fine_key, amount=fine_amount)
        if fine_amount > proceeding.intended_fine:
            raise _invalid(
                "fine_amount",
                _(
                    "The fine cannot be higher than the %(amount)s yuan the notice announced "
                    "(行政处罚法 Art. 45)."
                )
                % {"amount": proceeding.intended_fine},
            )
    elif fine_amount is not None:
        raise _invalid("fine_amount", _("The notice announced no fine."))
    today = clock.local_today()
    answer = _answer_text(proceeding)
    decision = penalty_document = None
    if proceeding.intended_rate is not None:
        assert rate is not None
        total = sum((line.amount for line in lines), Decimal(0))
        decision = document_generate(
            case=case,
            kind=Document.Kind.DECISION,
            actor=actor,
            procedure={
                "payment_due": f"收到本决定书之日起{DECISION_PAYMENT_DAYS}日内",
                "defence_answer": answer,
                "compensation_text": (
                    f"，并按逾期未支付工资的{_rate_text(rate)}加付赔偿金共计{yuan(total)}元"
                    f"（理由：{rate_reason.strip()}）"
                ),
                "legal_basis": "《劳动保障监察条例》第十八条、第十九条、第二十六条，"
                "《中华人民共和国劳动合同法》第八十五条",
            },
            rows=_compensation_rows(case, lines, rate),
        )
        Compensation.objects.bulk_create(
            [
                Compensation(
                    proceeding=proceeding,
                    claim=line.claim,
                    base=line.base,
                    rate=rate,
                    amount=line.amount,
                )
                for line in lines
            ]
        )
        Case.objects.filter(pk=case.pk).update(
            extra_compensation_rate=rate,
            extra_compensation_reason=rate_reason.strip(),
            updated_at=clock.now(),
        )
    if fine is not None:
        assert fine_amount is not None
        penalty_document = document_generate(
            case=case,
            kind=Document.Kind.PENALTY_DECISION,
            actor=actor,
            procedure={
                "fine_offence": fine.offence,
                "fine_source": fine.source,
                "fine_amount": yuan(fine_amount),
                "defence_answer": answer,
            },
        )
        Penalty.objects.create(
            proceeding=proceeding, fine_key=fine.key, amount=fine_amount, decided_on=today
        )
    return proceeding_transition(
        proceeding=proceeding,
        target=S.DECIDED,
        actor=actor,
        values={
            "decided_on": today,
            "decision": decision,
            "penalty_decision": penalty_document,
        },
    )


def proceeding_withdraw(*, proceeding: Proceeding, reason: str, actor: Actor) -> Proceeding:
    """A chief withdraws a notice before any decision (e.g. it was wrong, or everything
    was paid): the procedure ends; a new one may start."""
    case_writable_check(proceeding.case)
    return proceeding_transition(
        proceeding=proceeding,
        target=S.WITHDRAWN,
        actor=actor,
        values={"withdrawn_reason": reason.strip()},
        note=reason,
    )
