import datetime as dt

from django.test import override_settings
from django.urls import reverse

from qingling.cases.models import Case, Proceeding
from qingling.cases.tests.procedure.world import (
    DEFENCE_DUE,
    NOTICE_DAY,
    notified,
    on,
    overdue_case,
)
from qingling.testing import BaseTestCase


@override_settings(LANGUAGE_CODE="en")
class ProceedingViewTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = overdue_case(self)

    def act(self, action: str, **fields: str) -> str:
        url = reverse("cases:proceeding_act", args=[self.case.public_id, action])
        data = {f"{action}-{name}": value for name, value in fields.items()}
        response = self.client.post(url, data, follow=True)
        # done: the case page after the redirect; refused: the page again, with the form
        self.assertIn(response.status_code, (200, 422))
        return response.content.decode()

    def page(self) -> str:
        response = self.client.get(reverse("cases:case_detail", args=[self.case.public_id]))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_an_inspector_announces_the_intended_decision_from_the_case_page(self) -> None:
        with on(NOTICE_DAY):
            self.login(self.inspector)
            self.assertIn('data-step="start"', self.page())
            html = self.act(
                "start", rate="0.50", rate_reason="逾期未付", fine_key="", fine_amount=""
            )
        self.assertIn("Notice of the intended decision generated.", html)
        self.assertIn('data-proceeding-status="notified"', html)
        self.assertTrue(Proceeding.objects.filter(case=self.case).exists())

    def test_a_rate_outside_the_range_is_refused_with_the_rule(self) -> None:
        with on(NOTICE_DAY):
            self.login(self.inspector)
            html = self.act("start", rate="0.40", rate_reason="理由")
        self.assertIn("劳动合同法 Art. 85", html)
        self.assertFalse(Proceeding.objects.exists())

    def test_an_early_decision_is_refused_with_the_end_of_the_defence(self) -> None:
        notified(self, self.case)
        with on(DEFENCE_DUE):
            self.login(self.chief)
            html = self.act("decide")
        self.assertIn("2026-12-21", html)
        self.assertEqual(Proceeding.objects.get().status, "notified")

    def test_someone_outside_the_case_cannot_act(self) -> None:
        url = reverse("cases:proceeding_act", args=[self.case.public_id, "start"])
        with on(NOTICE_DAY):
            self.login(self.outsider)
            response = self.client.post(url, {"start-rate": "0.50"})
        self.assertIn(response.status_code, {403, 404})
        self.assertFalse(Proceeding.objects.exists())

    def test_the_card_shows_the_clocks_and_compensation(self) -> None:
        notified(self, self.case)
        with on(NOTICE_DAY + dt.timedelta(days=1)):
            self.login(self.inspector)
            html = self.page()
        self.assertIn('data-clock="defence"', html)
        self.assertIn("2026-12-21", html)

    def test_the_card_shows_the_ninety_days_to_the_penalty_decision(self) -> None:
        notified(self, self.case)  # a fine is announced
        Case.objects.filter(pk=self.case.pk).update(opened_on=dt.date(2026, 9, 20))
        with on(dt.date(2026, 12, 18)):  # three days before it ends
            self.login(self.inspector)
            html = self.page()
        self.assertIn('data-clock="decision"', html)
        self.assertIn("行政处罚法 Art. 60", html)
        self.assertIn("2026-12-21", html)  # Sat 19 December rolled to Monday
        self.assertIn("ends soon", html)

    def test_a_chief_withdraws_the_procedure_with_a_reason_and_a_confirmation(self) -> None:
        notified(self, self.case)
        with on(NOTICE_DAY):
            self.login(self.inspector)
            self.assertNotIn('data-step="withdraw"', self.page())  # a chief's step
            self.login(self.chief)
            page = self.page()
            self.assertIn('<details class="no-print danger"><summary>Withdraw this procedure', page)
            html = self.act("withdraw", reason="全部工资已付清")  # not confirmed
            self.assertIn("This field is required", html)
            self.assertEqual(Proceeding.objects.get().status, "notified")
            html = self.act("withdraw", reason="全部工资已付清", confirm="on")
        self.assertIn("The procedure is withdrawn.", html)
        proceeding = Proceeding.objects.get()
        self.assertEqual(proceeding.status, "withdrawn")
        self.assertEqual(proceeding.withdrawn_reason, "全部工资已付清")

    def test_the_timeline_names_each_step_of_the_procedure(self) -> None:
        notified(self, self.case)
        with on(NOTICE_DAY + dt.timedelta(days=1)):
            self.login(self.inspector)
            self.act(
                "defence",
                statement="资金困难",
                received_on=(NOTICE_DAY + dt.timedelta(days=1)).isoformat(),
                hearing_requested="on",
            )
            self.act(
                "hearing_notice",
                notified_on=(NOTICE_DAY + dt.timedelta(days=1)).isoformat(),
                hearing_on="2026-12-24",
                place="听证室",
            )
            response = self.client.get(reverse("cases:case_detail", args=[self.case.public_id]))
        labels = [entry.label for entry in response.context["timeline"]]
        for label in (
            "Notice of the intended decision issued (事先告知)",
            "Notice of the intended decision served",
            "Statement and defence (陈述申辩)",
            "Hearing notice given (听证通知)",
        ):
            self.assertIn(label, labels)
        self.assertFalse([label for label in labels if label.startswith("case.")])
