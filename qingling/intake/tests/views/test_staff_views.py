import datetime as dt

import time_machine
from django.test import override_settings
from django.urls import reverse

from qingling.core.models import Division
from qingling.intake.channels.base import ComplaintDraft
from qingling.intake.models import Channel, Complaint
from qingling.intake.services import complaint_register
from qingling.testing import BaseTestCase

NOW = dt.datetime(2021, 1, 13, 2, tzinfo=dt.UTC)


def register(*, received: dt.datetime, division: str = "", **overrides: object) -> Complaint:
    values: dict[str, object] = {
        "name": "李四",
        "phone": "13912345678",
        "employer_name": "辽源市鑫盛建筑工程有限公司",
        "division_code": division,
    }
    values.update(overrides)
    return complaint_register(
        draft=ComplaintDraft(**values),  # type: ignore[arg-type]
        channel=Channel.WALK_IN,
        actor=None,
        received_at=received,
    ).complaint


@time_machine.travel(NOW, tick=False)
class QueueTests(BaseTestCase):
    def test_sorts_undecided_complaints_by_their_deadline(self) -> None:
        overdue = register(received=dt.datetime(2021, 1, 4, 2, tzinfo=dt.UTC))
        soon = register(received=dt.datetime(2021, 1, 8, 2, tzinfo=dt.UTC), phone="13712345678")
        later = register(received=NOW, phone="13612345678")
        self.client.force_login(self.intake)
        response = self.client.get(reverse("intake:queue"))
        queue = response.context["queue"]
        self.assertEqual([c.pk for c in queue.overdue], [overdue.pk])
        self.assertEqual([c.pk for c in queue.due_soon], [soon.pk])
        self.assertEqual([c.pk for c in queue.later], [later.pk])

    def test_hides_complaints_of_another_county(self) -> None:
        register(received=NOW, division="220402")
        self.client.force_login(self.xian)
        response = self.client.get(reverse("intake:complaint_list"))
        self.assertEqual(len(response.context["page"].object_list), 0)
        self.client.force_login(self.inspector)
        response = self.client.get(reverse("intake:complaint_list"))
        self.assertEqual(len(response.context["page"].object_list), 1)

    def test_the_outsider_and_the_employment_officer_see_nothing(self) -> None:
        complaint = register(received=NOW)
        for persona in (self.outsider, self.employment):
            self.client.force_login(persona)
            self.assertEqual(self.client.get(reverse("intake:queue")).status_code, 403)
            self.assertEqual(
                self.client.get(
                    reverse("intake:complaint_detail", args=[complaint.public_id])
                ).status_code,
                403,
            )

    @override_settings(LANGUAGE_CODE="en")
    def test_the_list_says_how_many_complaints_match(self) -> None:
        for index in range(3):
            register(received=NOW, phone=f"1391234567{index}")
        self.client.force_login(self.intake)
        url = reverse("intake:complaint_list")
        self.assertContains(self.client.get(url, {"channel": "walk_in"}), "3 complaints")
        self.assertContains(self.client.get(url, {"channel": "12345"}), "0 complaints")

    def test_the_list_makes_the_same_number_of_queries_for_more_rows(self) -> None:
        for index in range(3):
            register(received=NOW, phone=f"1391234567{index}")
        self.client.force_login(self.intake)
        with self.assertNumQueries(6) as few:
            self.client.get(reverse("intake:complaint_list"))
        for index in range(20):
            register(received=NOW, phone=f"1381234{index:04d}")
        with self.assertNumQueries(len(few.captured_queries)):
            self.client.get(reverse("intake:complaint_list"))


@time_machine.travel(NOW, tick=False)
class StaffFormTests(BaseTestCase):
    def test_records_a_12333_call(self) -> None:
        self.client.force_login(self.intake)
        response = self.client.post(
            reverse("intake:complaint_new"),
            {
                "channel": "12333",
                "kind": "complaint",
                "name": "赵六",
                "phone": "13912345678",
                "employer_name": "辽源市鑫盛建筑工程有限公司",
                "amount": "30000",
                "headcount": "3",
                "division": Division.objects.get(code="220402").pk,
                "idempotency_key": "abc",
            },
        )
        complaint = Complaint.objects.get()
        self.assertRedirects(
            response, reverse("intake:complaint_detail", args=[complaint.public_id])
        )
        self.assertEqual(complaint.channel, "12333")

    def test_a_resubmitted_form_makes_one_complaint(self) -> None:
        self.client.force_login(self.intake)
        data = {
            "channel": "walk_in",
            "kind": "complaint",
            "name": "赵六",
            "phone": "13912345678",
            "employer_name": "某公司",
            "idempotency_key": "same",
        }
        self.client.post(reverse("intake:complaint_new"), data)
        self.client.post(reverse("intake:complaint_new"), data)
        self.assertEqual(Complaint.objects.count(), 1)

    @override_settings(LANGUAGE_CODE="en")
    def test_shows_every_bad_field(self) -> None:
        self.client.force_login(self.intake)
        response = self.client.post(
            reverse("intake:complaint_new"),
            {
                "channel": "walk_in",
                "kind": "complaint",
                "name": "",
                "phone": "123",
                "employer_name": "",
            },
        )
        form = response.context["form"]
        self.assertEqual(set(form.errors), {"name", "phone", "employer_name"})
        self.assertFalse(Complaint.objects.exists())

    def test_an_inspector_may_record_but_not_decide(self) -> None:
        complaint = register(received=NOW)
        self.client.force_login(self.inspector)
        self.assertEqual(self.client.get(reverse("intake:complaint_new")).status_code, 200)
        response = self.client.post(
            reverse("intake:complaint_decide", args=[complaint.public_id, "accept"])
        )
        self.assertEqual(response.status_code, 403)


@time_machine.travel(NOW, tick=False)
class DecideTests(BaseTestCase):
    def test_accepts_from_the_detail_page(self) -> None:
        complaint = register(received=NOW)
        self.client.force_login(self.intake)
        self.client.post(
            reverse("intake:complaint_decide", args=[complaint.public_id, "accept"]),
            {"accept-note": "证据充分"},
        )
        complaint.refresh_from_db()
        self.assertEqual((complaint.status, complaint.decision_note), ("accepted", "证据充分"))

    def test_joins_by_the_number_staff_quote(self) -> None:
        first = register(received=NOW)
        second = register(received=NOW, phone="13712345678")
        self.client.force_login(self.chief)
        self.client.post(
            reverse("intake:complaint_decide", args=[second.public_id, "join"]),
            {"join-matter": first.number},
        )
        second.refresh_from_db()
        self.assertEqual(second.joined_to, first)

    def test_an_unknown_action_is_not_found(self) -> None:
        complaint = register(received=NOW)
        self.client.force_login(self.intake)
        response = self.client.post(
            reverse("intake:complaint_decide", args=[complaint.public_id, "delete"])
        )
        self.assertEqual(response.status_code, 404)

    def test_the_detail_page_suggests_the_same_employer(self) -> None:
        first = register(received=NOW)
        second = register(received=NOW, phone="13712345678", employer_name="鑫盛建筑公司")
        self.client.force_login(self.intake)
        response = self.client.get(reverse("intake:complaint_detail", args=[second.public_id]))
        self.assertIn(first, response.context["same_matter"])


@time_machine.travel(NOW, tick=False)
class ConfirmDetailsTests(BaseTestCase):
    def test_the_form_is_prefilled_from_the_text_and_saves_what_the_officer_confirms(
        self,
    ) -> None:
        complaint = register(
            received=NOW,
            employer_name="",
            narrative="其在辽源市宏达劳务有限公司务工，公司拖欠其与工友共8人工资约6万元。",
        )
        self.client.force_login(self.intake)
        response = self.client.get(reverse("intake:complaint_detail", args=[complaint.public_id]))
        initial = response.context["forms"]["details"].initial
        self.assertEqual(
            (initial["employer_name"], initial["headcount"]), ("辽源市宏达劳务有限公司", 8)
        )
        self.client.post(
            reverse("intake:complaint_decide", args=[complaint.public_id, "details"]),
            {
                "details-employer_name": "辽源市宏达劳务有限公司",
                "details-amount": "60000",
                "details-headcount": "8",
            },
        )
        complaint.refresh_from_db()
        self.assertEqual(
            (complaint.employer_name, complaint.headcount), ("辽源市宏达劳务有限公司", 8)
        )
        self.assertEqual(str(complaint.amount_claimed), "60000.00")
        self.assertTrue(complaint.employer_key)

    def test_links_the_employer_on_file(self) -> None:
        from qingling.testing import make_organization

        organization = make_organization(self.rng)
        complaint = register(received=NOW, employer_name="鑫盛建筑公司")
        self.assertEqual(
            complaint.suggestions["organizations"][0]["id"], str(organization.public_id)
        )
        self.client.force_login(self.intake)
        self.client.post(
            reverse("intake:complaint_decide", args=[complaint.public_id, "employer"]),
            {"employer-organization": str(organization.public_id)},
        )
        complaint.refresh_from_db()
        self.assertEqual(complaint.employer, organization)


@time_machine.travel(NOW, tick=False)
class SameMatterJurisdictionTests(BaseTestCase):
    def test_suggests_only_complaints_the_officer_may_see(self) -> None:
        register(received=NOW, division="220402")
        unplaced = register(received=NOW, phone="13712345678", employer_name="鑫盛建筑公司")
        self.client.force_login(self.xian)
        response = self.client.get(reverse("intake:complaint_detail", args=[unplaced.public_id]))
        self.assertEqual(response.context["same_matter"], [])
        self.client.force_login(self.inspector)
        response = self.client.get(reverse("intake:complaint_detail", args=[unplaced.public_id]))
        self.assertEqual(len(response.context["same_matter"]), 1)
