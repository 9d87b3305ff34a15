import datetime as dt

import time_machine

from qingling.core.exceptions import InvalidInput
from qingling.core.models import AuditEvent
from qingling.employment.models import Contact, Pairing
from qingling.employment.services.pairings import contact_record, pairing_assign
from qingling.employment.tests.world import EmploymentWorld, make_officer, make_seeker
from qingling.testing import CURRENT_TIME

TODAY = dt.date(2026, 11, 27)


@time_machine.travel(CURRENT_TIME, tick=False)
class PairingAssignTests(EmploymentWorld):
    def test_starts_a_pairing_today_and_audits_it(self) -> None:
        seeker = make_seeker(self.rng)
        pairing = pairing_assign(seeker=seeker, officer=self.employment, actor=self.employment)
        self.assertEqual(
            (pairing.officer, pairing.started_on, pairing.ended_on), (self.employment, TODAY, None)
        )
        event = AuditEvent.objects.get(action="pairing.assign")
        self.assertEqual(event.actor, self.employment)
        self.assertEqual(event.object_id, str(pairing.pk))

    def test_reassigning_ends_the_old_pairing(self) -> None:
        seeker = make_seeker(self.rng)
        with time_machine.travel(CURRENT_TIME - dt.timedelta(days=10), tick=False):
            old = pairing_assign(seeker=seeker, officer=self.employment, actor=None)
        other = make_officer("jobs2", unit=self.city_unit)
        new = pairing_assign(seeker=seeker, officer=other, actor=self.employment)
        old.refresh_from_db()
        self.assertEqual(old.ended_on, TODAY)
        self.assertEqual((new.officer, new.started_on, new.ended_on), (other, TODAY, None))
        self.assertEqual(Pairing.objects.get(seeker=seeker, ended_on__isnull=True), new)
        self.assertTrue(AuditEvent.objects.filter(action="pairing.end", object_id=str(old.pk)))
        assigned = AuditEvent.objects.get(action="pairing.assign", object_id=str(new.pk))
        self.assertEqual(
            assigned.before, {"officer": str(self.employment.pk), "pairing": str(old.pk)}
        )

    def test_assigning_the_same_officer_again_changes_nothing(self) -> None:
        seeker = make_seeker(self.rng)
        first = pairing_assign(seeker=seeker, officer=self.employment, actor=None)
        again = pairing_assign(seeker=seeker, officer=self.employment, actor=None)
        self.assertEqual(first, again)
        self.assertEqual(Pairing.objects.count(), 1)

    def test_refuses_someone_who_is_not_an_employment_officer(self) -> None:
        seeker = make_seeker(self.rng)
        for user in (self.inspector, self.director, self.outsider):
            with self.subTest(user.username), self.assertRaises(InvalidInput):
                pairing_assign(seeker=seeker, officer=user, actor=None)
        self.assertFalse(Pairing.objects.exists())


@time_machine.travel(CURRENT_TIME, tick=False)
class ContactRecordTests(EmploymentWorld):
    def test_logs_a_call_and_audits_it_without_the_note(self) -> None:
        seeker = make_seeker(self.rng)
        contact = contact_record(
            seeker=seeker,
            officer=self.employment,
            kind=Contact.Kind.PHONE,
            note="  想去大连，等开工通知  ",
            contacted_on=TODAY,
            actor=self.employment,
        )
        self.assertEqual(contact.note, "想去大连，等开工通知")
        event = AuditEvent.objects.get(action="contact.record")
        assert event.after is not None
        self.assertEqual(event.after["kind"], "phone")
        self.assertNotIn("大连", str(event.after))

    def test_refuses_a_date_in_the_future_and_an_unknown_kind(self) -> None:
        seeker = make_seeker(self.rng)
        with self.assertRaises(InvalidInput) as caught:
            contact_record(
                seeker=seeker,
                officer=self.employment,
                kind="telegram",
                note="",
                contacted_on=TODAY + dt.timedelta(days=1),
                actor=None,
            )
        self.assertEqual(set(caught.exception.extra["fields"]), {"kind", "contacted_on"})
        self.assertFalse(Contact.objects.exists())

    def test_refuses_an_officer_without_the_permission(self) -> None:
        with self.assertRaises(InvalidInput):
            contact_record(
                seeker=make_seeker(self.rng),
                officer=self.outsider,
                kind=Contact.Kind.VISIT,
                note="",
                contacted_on=TODAY,
                actor=None,
            )
