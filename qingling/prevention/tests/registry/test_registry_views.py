"""The registry's staff pages: the list (filters, query count), a project's checklist and
its forms, the inspection started from it, the worker records a case sees."""

import datetime as dt
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qingling.parties.models import ProjectParty
from qingling.parties.services import project_party_add
from qingling.prevention.models import PayrollEntry, WageAccount
from qingling.prevention.registry_services import wage_account_open
from qingling.prevention.tests.registry.world import START, RegistryWorld, csv_bytes, pdf
from qingling.testing import CURRENT_TIME, make_organization, make_project


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class ComplianceListTests(RegistryWorld):
    def test_the_list_filters_by_what_is_missing_county_and_contractor(self) -> None:
        wage_account_open(
            project=self.project,
            bank="b",
            number="62220212345678",
            opened_on=START,
            agreement=pdf(),
            actor=None,
        )
        self.login(self.chief)
        url = reverse("prevention:compliance_list")
        page = self.client.get(url, {"missing": "wage_account"})
        self.assertContains(page, "东丰路")
        self.assertNotContains(page, "福民小区")
        page = self.client.get(url, {"contractor": str(self.contractor.public_id)})
        self.assertContains(page, "福民小区")
        self.assertNotContains(page, "东丰路")
        page = self.client.get(url, {"county": "220403"})
        self.assertContains(page, "0 projects")

    def test_the_list_takes_the_same_queries_for_two_projects_or_twelve(self) -> None:
        self.login(self.chief)
        url = reverse("prevention:compliance_list")
        self.client.get(url)
        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        for n in range(10):
            project = make_project(division=self.longshan, name=f"工地{n}", start_date=START)
            project_party_add(
                project=project,
                role=ProjectParty.Role.GENERAL_CONTRACTOR,
                organization=make_organization(self.rng, name=f"建筑公司{n}"),
                actor=None,
            )
        with CaptureQueriesContext(connection) as many:
            response = self.client.get(url)
        self.assertContains(response, "12 projects")
        self.assertEqual(len(many), len(few))

    def test_an_inspector_of_another_county_sees_neither_the_project_nor_its_records(
        self,
    ) -> None:
        self.login(self.xian)
        page = self.client.get(reverse("prevention:compliance_list"))
        self.assertNotContains(page, "福民小区")
        for name in ("prevention:compliance_project", "prevention:compliance_records"):
            response = self.client.get(reverse(name, args=[self.project.public_id]))
            self.assertEqual(response.status_code, 404)
        self.login(self.outsider)
        response = self.client.get(reverse("prevention:compliance_list"))
        self.assertNotEqual(response.status_code, 200)


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class ComplianceProjectTests(RegistryWorld):
    def test_the_page_shows_the_checklist_with_its_dates(self) -> None:
        self.login(self.inspector)
        page = self.client.get(
            reverse("prevention:compliance_project", args=[self.project.public_id])
        )
        self.assertContains(page, 'data-item="wage_account" data-state="missing"')
        self.assertContains(page, "due 2026-03-10")
        self.assertContains(page, "2026-03, 2026-04")

    def test_a_payroll_file_with_a_bad_row_keeps_the_good_one_and_explains_the_bad(
        self,
    ) -> None:
        self.login(self.inspector)
        content = csv_bytes(
            "project_code,worker_id,wage_month,amount,paid_on,via_wage_account",
            f"LY-001,{self.worker_ids[0]},2026-10,5000,2026-11-05,1",
            f"LY-001,{self.worker_ids[3]},2026-10,5000,2026-11-05,1",
        )
        from django.core.files.uploadedfile import SimpleUploadedFile

        url = reverse("prevention:compliance_act", args=[self.project.public_id, "file"])
        response = self.client.post(
            url,
            {"kind": "payroll", "file": SimpleUploadedFile("payroll.csv", content)},
            follow=True,
        )
        self.assertContains(response, "1 rows kept, 0 already on file, 1 bad rows.")
        self.assertContains(response, "not on this project&#x27;s roster")
        self.assertEqual(PayrollEntry.objects.count(), 1)
        self.assertNotContains(response, self.worker_ids[3])

    def test_the_account_form_records_the_account_and_refuses_a_bad_number(self) -> None:
        self.login(self.inspector)
        url = reverse("prevention:compliance_act", args=[self.project.public_id, "account"])
        data = {"bank": "中国银行", "number": "12ab", "opened_on": "2026-03-01"}
        response = self.client.post(url, data, follow=True)
        self.assertContains(response, "8 to 32 digits")
        response = self.client.post(url, {**data, "number": "6222021234567890"}, follow=True)
        self.assertContains(response, "6222********7890")
        self.assertTrue(WageAccount.objects.filter(project=self.project).exists())

    def test_an_inspection_starts_with_the_checklist_prefilled_from_the_registry(self) -> None:
        self.login(self.inspector)
        page = self.client.get(
            reverse("prevention:compliance_project", args=[self.project.public_id])
        )
        link = page.context["start_inspection"]
        query = parse_qs(urlparse(link).query)
        self.assertEqual(query["check_wage_account"], ["violation"])
        self.assertEqual(query["check_real_name"], ["ok"])
        self.assertIn("Dedicated wage account", query["note_wage_account"][0])
        form = self.client.get(link)
        self.assertContains(form, "Pre-filled from the project")
        self.assertEqual(form.context["form"].initial["check_wage_account"], "violation")

    def test_a_case_against_the_project_links_to_its_worker_records(self) -> None:
        PayrollEntry.objects.create(
            project=self.project,
            worker=self.project.roster.first().worker,  # type: ignore[union-attr]
            wage_month="2026-10",
            amount=Decimal("5100.00"),
            paid_on=dt.date(2026, 11, 5),
            via_wage_account=True,
        )
        self.login(self.inspector)
        page = self.client.get(
            reverse("prevention:compliance_records", args=[self.project.public_id])
        )
        self.assertContains(page, "5100.00")
        self.assertContains(page, "王建国")
        self.assertNotContains(page, self.worker_ids[0])


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class DepositDrawPageTests(RegistryWorld):
    def test_the_lead_inspector_pays_a_worker_of_the_case_from_the_deposit(self) -> None:
        from qingling.cases.models import Claim, Payment
        from qingling.prevention.models import DepositForm
        from qingling.prevention.registry_services import wage_deposit_lodge
        from qingling.testing import make_case

        wage_deposit_lodge(
            project=self.project,
            form=DepositForm.CASH,
            amount=Decimal(90000),
            lodged_on=START,
            actor=None,
        )
        case = make_case(self, amount="6000.00")
        case.project = self.project
        case.save(update_fields=["project"])
        claim = Claim.objects.get(case=case)
        self.login(self.inspector)
        url = reverse("prevention:compliance_records", args=[self.project.public_id])
        self.assertContains(self.client.get(url), 'id="deposit-draw"')
        response = self.client.post(
            reverse("prevention:deposit_draw", args=[self.project.public_id]),
            {"claim": claim.pk, "amount": "6000.00", "paid_on": "2026-11-27"},
            follow=True,
        )
        self.assertContains(response, "a top-up is due")
        payment = Payment.objects.get(claim=claim)
        self.assertEqual(payment.payer_kind, Payment.Payer.DEPOSIT)
