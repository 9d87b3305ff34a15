import datetime as dt

import time_machine
from django.test import override_settings

from qingling.core import clock
from qingling.core.exceptions import Conflict, InvalidInput
from qingling.core.models import AuditEvent
from qingling.sanctions.jobs import referral_clocks
from qingling.sanctions.lifecycle import ReferralStatus
from qingling.sanctions.models import Referral, ReferralAlert
from qingling.sanctions.services import (
    ReferralNotAllowed,
    referral_copy_record,
    referral_days_after,
    referral_transition,
)
from qingling.sanctions.tests.world import (
    POLICE,
    THRESHOLDS,
    make_ordered_case,
    make_referral,
)
from qingling.testing import BaseTestCase

S = ReferralStatus


def at(moment: str) -> time_machine.travel:
    return time_machine.travel(dt.datetime.fromisoformat(moment), tick=False)


def alerts() -> list[tuple[str, str]]:
    return sorted(ReferralAlert.objects.values_list("clock", "level"))


class ReferralDaysTests(BaseTestCase):
    def test_three_days_ending_in_the_national_day_holiday_end_after_it(self) -> None:
        # 2026-10-01..07 are holidays: 3 days from 28 September end on 8 October.
        self.assertEqual(referral_days_after(dt.date(2026, 9, 28)).date, dt.date(2026, 10, 8))

    def test_three_days_ending_on_a_working_day_are_calendar_days(self) -> None:
        # Monday + 3 = Thursday; Thursday + 3 = Sunday, a rest day → Monday.
        self.assertEqual(referral_days_after(dt.date(2026, 12, 14)).date, dt.date(2026, 12, 17))
        self.assertEqual(referral_days_after(dt.date(2026, 12, 17)).date, dt.date(2026, 12, 21))

    @override_settings(QINGLING_REFERRAL_DAYS_END_ON_WORKING_DAY=False)
    def test_the_rest_day_rule_can_be_switched_off(self) -> None:
        self.assertEqual(referral_days_after(dt.date(2026, 9, 28)).date, dt.date(2026, 10, 1))

    def test_a_year_without_its_schedule_is_provisional(self) -> None:
        due = referral_days_after(dt.date(2026, 12, 29))  # 1 January 2027, a Friday
        self.assertEqual(due.date, dt.date(2027, 1, 4))
        self.assertTrue(due.provisional)


@THRESHOLDS
class ReferralClocksTests(BaseTestCase):
    def test_decision_clock_skips_the_weekend_warns_once_and_escalates_once(self) -> None:
        case = make_ordered_case(self)
        with at("2026-12-17 10:00+08:00"):  # Thursday: 3 days end on Sunday → Monday 21
            referral = make_referral(self, case)
        self.assertEqual(referral.decision_due, dt.date(2026, 12, 21))
        with at("2026-12-19 10:00+08:00"):
            referral_clocks()
        self.assertEqual(alerts(), [])
        with at("2026-12-20 10:00+08:00"):  # the day before the last
            referral_clocks()
            referral_clocks()
        self.assertEqual(alerts(), [("decision", "warning")])
        with at("2026-12-21 23:00+08:00"):  # still the last day
            referral_clocks()
        self.assertEqual(alerts(), [("decision", "warning")])
        with at("2026-12-22 08:00+08:00"):
            referral_clocks()
            referral_clocks()
        self.assertEqual(alerts(), [("decision", "escalation"), ("decision", "warning")])
        self.assertEqual(AuditEvent.objects.filter(action="referral.escalation").count(), 1)
        self.assertIsNone(AuditEvent.objects.get(action="referral.escalation").actor_id)

    def test_sending_clock_counts_24_hours_from_the_decision(self) -> None:
        case = make_ordered_case(self)
        with at("2026-12-18 16:00+08:00"):  # Friday afternoon
            make_referral(self, case, status=S.APPROVED)
        with at("2026-12-19 09:59+08:00"):
            referral_clocks()
        self.assertEqual(alerts(), [])
        with at("2026-12-19 10:00+08:00"):  # six hours left, on a Saturday
            referral_clocks()
        self.assertEqual(alerts(), [("sending", "warning")])
        with at("2026-12-19 16:01+08:00"):  # the weekend does not stop the hours
            referral_clocks()
        self.assertEqual(alerts(), [("sending", "escalation"), ("sending", "warning")])

    def test_a_clock_found_run_out_is_escalated_without_a_late_warning(self) -> None:
        case = make_ordered_case(self)
        with at("2026-12-14 10:00+08:00"):
            make_referral(self, case, status=S.DECLINED)  # reconsideration until 17 Dec
        with at("2026-12-18 10:00+08:00"):
            referral_clocks()
        self.assertEqual(alerts(), [("reconsideration", "escalation")])

    def test_a_step_taken_in_time_stops_the_clock(self) -> None:
        case = make_ordered_case(self)
        with at("2026-12-14 10:00+08:00"):
            make_referral(self, case, status=S.ACCEPTED)  # sent with its copy, answered
        with at("2027-03-01 10:00+08:00"):
            referral_clocks()
        self.assertEqual(alerts(), [])

    def test_the_polices_answer_is_watched_and_a_holiday_moves_its_last_day(self) -> None:
        case = make_ordered_case(self)
        with at("2026-12-29 10:00+08:00"):  # Tuesday: 3 days end on 1 January, a holiday
            make_referral(self, case, status=S.SENT)
        with at("2026-12-31 10:00+08:00"):
            referral_clocks()
        self.assertEqual(alerts(), [])  # the last day is Monday 4 January (provisional)
        with at("2027-01-03 10:00+08:00"):
            referral_clocks()
        self.assertEqual(alerts(), [("police_answer", "warning")])
        with at("2027-01-05 09:00+08:00"):
            referral_clocks()
            referral_clocks()
        self.assertEqual(alerts(), [("police_answer", "escalation"), ("police_answer", "warning")])

    def test_the_polices_answer_to_a_reconsideration_is_watched(self) -> None:
        case = make_ordered_case(self)
        with at("2026-12-14 10:00+08:00"):  # Monday: asked the same day, answer by Thursday
            make_referral(self, case, status=S.RECONSIDERATION)
        with at("2026-12-16 10:00+08:00"):
            referral_clocks()
        self.assertEqual(alerts(), [("review_answer", "warning")])
        with at("2026-12-18 10:00+08:00"):
            referral_clocks()
        self.assertEqual(alerts(), [("review_answer", "escalation"), ("review_answer", "warning")])

    def test_a_transfer_sent_without_its_copy_to_the_procuratorate_is_escalated(self) -> None:
        case = make_ordered_case(self)
        with at("2026-12-14 10:00+08:00"):
            referral = make_referral(self, case, status=S.APPROVED)
            referral = referral_transition(
                referral=referral,
                target=S.SENT,
                actor=self.inspector,
                sent_at=clock.now(),
                police_organ=POLICE,
                police_officer="王警官",
                items=list(Referral.REQUIRED_ITEMS),
                prosecutor_copied="",
            )
            referral_clocks()
        self.assertEqual(alerts(), [])  # the 24 hours from the decision are not over
        with at("2026-12-15 10:01+08:00"):
            referral_clocks()
        self.assertEqual(alerts(), [("copy", "escalation")])
        with at("2026-12-15 11:00+08:00"):
            with self.assertRaises(ReferralNotAllowed):
                referral_copy_record(
                    referral=referral,
                    prosecutor="辽源市龙山区人民检察院",
                    copied_on=dt.date(2026, 12, 15),
                    actor=self.director,
                )
            with self.assertRaises(InvalidInput):
                referral_copy_record(
                    referral=referral,
                    prosecutor="辽源市龙山区人民检察院",
                    copied_on=dt.date(2026, 12, 13),
                    actor=self.inspector,
                )
            referral = referral_copy_record(
                referral=referral,
                prosecutor="辽源市龙山区人民检察院",
                copied_on=dt.date(2026, 12, 15),
                actor=self.inspector,
            )
            self.assertEqual(referral.prosecutor_copied_on, dt.date(2026, 12, 15))
            with self.assertRaises(Conflict):
                referral_copy_record(
                    referral=referral,
                    prosecutor="辽源市人民检察院",
                    copied_on=dt.date(2026, 12, 15),
                    actor=self.inspector,
                )
        self.assertTrue(AuditEvent.objects.filter(action="referral.copied").exists())


@THRESHOLDS
@override_settings(LANGUAGE_CODE="en")
class ReferralClockNotificationTests(BaseTestCase):
    def test_the_decision_clock_warns_the_case_team_and_escalates_once(self) -> None:
        from qingling.notify.models import Notification, NotificationKind

        case = make_ordered_case(self)
        with at("2026-12-17 10:00+08:00"):
            make_referral(self, case)
        Notification.objects.all().delete()  # the proposal's approval request
        for moment in (
            "2026-12-20 10:00+08:00",
            "2026-12-20 11:00+08:00",
            "2026-12-22 10:00+08:00",
        ):
            with at(moment), self.captureOnCommitCallbacks(execute=True):
                referral_clocks()
        kinds = Notification.objects.values_list("kind", flat=True)
        self.assertEqual(set(kinds), {NotificationKind.DEADLINE, NotificationKind.ESCALATION})
        warned = Notification.objects.filter(kind=NotificationKind.DEADLINE)
        self.assertEqual(
            set(warned.values_list("recipient__username", flat=True)),
            {"inspector", "inspector2", "chief", "director"},
        )
        self.assertIn("transfer to the police", warned.first().text)  # type: ignore[union-attr]
