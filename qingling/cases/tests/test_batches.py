from decimal import Decimal

import time_machine
from django.test import override_settings
from django.urls import reverse

from qingling.cases.batches import batch_rows, claims_batch, payments_batch
from qingling.cases.models import Claim, Payment
from qingling.core.models import AuditEvent
from qingling.parties.demo import fake_id_number
from qingling.testing import CURRENT_TIME, BaseTestCase, make_case

TODAY = CURRENT_TIME.date()


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class ClaimsBatchTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = make_case(self)
        self.team = [
            {"name": f"工人{i:02d}", "id_number": fake_id_number(self.rng), "claimed": "4500"}
            for i in range(60)
        ]

    def test_checking_a_team_of_sixty_saves_nothing(self) -> None:
        audited = AuditEvent.objects.count()
        result = claims_batch(
            case=self.case, rows=batch_rows(self.team), actor=self.inspector, save=False
        )
        self.assertEqual((result.created, result.failures), (60, []))
        self.assertEqual(self.case.claims.count(), 1)  # the complainant's own, only
        self.assertEqual(AuditEvent.objects.count(), audited)

    def test_saves_sixty_claims_in_one_batch(self) -> None:
        result = claims_batch(
            case=self.case, rows=batch_rows(self.team), actor=self.inspector, save=True
        )
        self.assertEqual(result.created, 60)
        self.assertEqual(self.case.claims.count(), 61)
        self.assertEqual(
            sum(c.claimed for c in Claim.objects.filter(case=self.case)),
            Decimal("10000.00") + 60 * Decimal(4500),
        )

    def test_one_bad_row_and_nothing_of_the_batch_is_saved(self) -> None:
        self.team[41]["id_number"] = "220402198001011235"  # a wrong check digit
        self.team[7]["id_number"] = self.team[3]["id_number"]  # the same worker twice
        result = claims_batch(
            case=self.case, rows=batch_rows(self.team), actor=self.inspector, save=True
        )
        self.assertEqual(sorted({f.line for f in result.failures}), [8, 42])
        self.assertTrue(all(f.field == "id_number" for f in result.failures))
        self.assertEqual(self.case.claims.count(), 1)

    def test_blank_grid_rows_are_skipped_and_keep_their_line(self) -> None:
        rows = batch_rows([{}, {"name": "", "claimed": ""}, {**self.team[0], "claimed": "-3"}])
        self.assertEqual([row.line for row in rows], [3])
        result = claims_batch(case=self.case, rows=rows, actor=self.inspector, save=False)
        self.assertEqual([(f.line, f.field) for f in result.failures], [(3, "claimed")])


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class PaymentsBatchTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = make_case(self)
        self.ids = [fake_id_number(self.rng) for _ in range(3)]
        claims_batch(
            case=self.case,
            rows=batch_rows(
                [
                    {"name": f"工人{i}", "id_number": n, "claimed": "1000"}
                    for i, n in enumerate(self.ids)
                ]
            ),
            actor=self.inspector,
            save=True,
        )

    def rows(self, *amounts: str, payer: str = "") -> list[dict[str, object]]:
        return [
            {"id_number": n, "amount": a, "paid_on": TODAY.isoformat(), "payer_kind": payer}
            for n, a in zip(self.ids, amounts, strict=False)
        ]

    def test_records_every_payment_of_the_batch(self) -> None:
        result = payments_batch(
            case=self.case,
            rows=batch_rows(self.rows("1000", "600", "1000.00")),
            actor=self.inspector,
            save=True,
        )
        self.assertEqual(result.created, 3)
        self.assertEqual(Payment.objects.filter(claim__case=self.case).count(), 3)
        self.assertTrue(
            all(
                p.payer == self.case.respondent
                for p in Payment.objects.filter(claim__case=self.case)
            )
        )

    def test_an_overpayment_refuses_the_whole_batch_and_says_what_is_outstanding(self) -> None:
        result = payments_batch(
            case=self.case,
            rows=batch_rows(self.rows("1000", "1200", "500", payer="总包")),
            actor=self.inspector,
            save=True,
        )
        self.assertEqual([(f.line, f.field) for f in result.failures], [(2, "amount")])
        self.assertIn("1000.00", result.failures[0].message)
        self.assertFalse(Payment.objects.filter(claim__case=self.case).exists())

    def test_an_unknown_payer_is_named_on_its_line(self) -> None:
        rows = self.rows("100", "100", payer="朋友")
        rows[0]["id_number"] = fake_id_number(self.rng)
        result = payments_batch(
            case=self.case, rows=batch_rows(rows), actor=self.inspector, save=False
        )
        self.assertEqual(
            sorted((f.line, f.field) for f in result.failures),
            [(1, "payer_kind"), (2, "payer_kind")],
        )


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class ClaimsBatchViewTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = make_case(self)
        self.url = reverse("cases:claims_batch", args=[self.case.public_id])

    def grid(self, action: str, rows: list[dict[str, str]]) -> dict[str, str]:
        data = {"kind": "claims", "action": action}
        for line, row in enumerate(rows, start=1):
            data.update({f"row-{line}-{k}": v for k, v in row.items()})
        return data

    def test_previews_then_saves_and_keeps_the_rows_on_an_error(self) -> None:
        self.login(self.inspector)
        good = {"name": "赵六", "id_number": fake_id_number(self.rng), "claimed": "3000"}
        bad = {"name": "钱七", "id_number": "12345", "claimed": "abc"}
        response = self.client.post(self.url, self.grid("save", [good, bad]))
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, 'value="钱七"', status_code=422)  # the rows stay
        self.assertContains(response, 'id="row-2" class="bad"', status_code=422)
        self.assertEqual(self.case.claims.count(), 1)
        response = self.client.post(self.url, self.grid("check", [good]))
        self.assertEqual(response.context["result"].created, 1)
        self.assertEqual(self.case.claims.count(), 1)
        response = self.client.post(self.url, self.grid("save", [good]))
        self.assertRedirects(
            response,
            reverse("cases:case_detail", args=[self.case.public_id]) + "#claims",
            fetch_redirect_response=False,
        )
        self.assertEqual(self.case.claims.count(), 2)

    def test_only_those_who_work_the_case_open_the_grid(self) -> None:
        self.login(self.intake)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.login(self.inspector)
        self.assertEqual(self.client.get(self.url).status_code, 200)
        self.assertEqual(self.client.get(self.url, {"kind": "payments"}).status_code, 200)
