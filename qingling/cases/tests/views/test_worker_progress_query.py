"""The progress query shows the case once opened and the worker's own notices; the web
form carries the other workers of a group complaint."""

from decimal import Decimal
from typing import Any

import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from qingling.cases.models import Payment
from qingling.cases.services import case_open, payment_record
from qingling.intake.models import Complaint
from qingling.intake.services import complaint_accept
from qingling.intake.tests.channels.web.test_views import (
    PHONE,
    QUERY_URL,
    file_complaint,
    form_data,
)
from qingling.testing import CURRENT_TIME, BaseTestCase, make_case, make_organization


@time_machine.travel(CURRENT_TIME, tick=False)
class ProgressOutcomeTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()
        file_complaint(Client(), form_data(workers="李四 13900001111 4000\n赵六 13900002222 3000"))
        self.complaint = Complaint.objects.get()

    def query(self, client: Client) -> Any:
        return client.post(QUERY_URL, {"query_code": self.complaint.query_code, "phone": PHONE})

    def test_the_form_names_the_other_workers(self) -> None:
        self.assertEqual(
            [(w.name, w.phone_masked, str(w.amount)) for w in self.complaint.workers.all()],
            [("李四", "139******11", "4000.00"), ("赵六", "139******22", "3000.00")],
        )

    def test_the_worker_sees_the_case_number_and_downloads_their_own_notice(self) -> None:
        complaint_accept(complaint=self.complaint, actor=self.intake)
        case = case_open(
            complaints=[self.complaint],
            respondent=make_organization(self.rng),
            division=self.longshan,
            lead=self.inspector,
            actor=self.chief,
        )
        worker = Client()
        response = self.query(worker)
        self.assertContains(response, case.number)
        notice = self.complaint.notices.get()
        url = reverse(
            "web_intake:notice_download", args=[self.complaint.public_id, notice.public_id, "pdf"]
        )
        self.assertContains(response, url)
        download = worker.get(url)
        self.assertEqual(download.status_code, 200)
        self.assertTrue(b"".join(download.streaming_content).startswith(b"%PDF"))  # type: ignore[attr-defined]
        # another browser, which did not pass the query, gets nothing
        self.assertEqual(Client().get(url).status_code, 404)


@time_machine.travel(CURRENT_TIME, tick=False)
class ReversalOnTheCasePageTests(BaseTestCase):
    def test_the_lead_reverses_part_of_a_payment_from_the_claim_row(self) -> None:
        case = make_case(self, amount="10000.00")
        claim = case.claims.get()
        payment = payment_record(
            claim=claim,
            amount=Decimal(4000),
            paid_on=CURRENT_TIME.date(),
            payer_kind=Payment.Payer.EMPLOYER,
            actor=self.inspector,
        )
        self.login(self.inspector)
        url = reverse("cases:case_detail", args=[case.public_id])
        self.assertContains(self.client.get(url), 'data-claim-form="reverse"')
        self.client.post(
            reverse("cases:claim_act", args=[case.public_id, claim.pk, "reverse"]),
            {
                f"reverse-{claim.pk}-payment": str(payment.public_id),
                f"reverse-{claim.pk}-amount": "1000.00",
                f"reverse-{claim.pk}-reason": "多录了1000元",
            },
        )
        claim.refresh_from_db()
        self.assertEqual(claim.paid, Decimal(3000))
        self.assertContains(self.client.get(url), "多录了1000元")
