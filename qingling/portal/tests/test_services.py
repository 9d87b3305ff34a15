import datetime as dt
from decimal import Decimal
from io import StringIO

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings

from qingling.cases.models import Service
from qingling.core import clock
from qingling.core.exceptions import Conflict, Forbidden, InvalidInput, NotFound
from qingling.core.models import AuditEvent
from qingling.portal import services
from qingling.portal.models import EmployerAccount, PaymentProofFile
from qingling.portal.tests.world import PDF, build_world, pdf_file
from qingling.testing import CURRENT_TIME, PASSWORD, BaseTestCase, make_organization


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(CURRENT_TIME, tick=False)
class EmployerAccountTests(BaseTestCase):
    def test_the_bureau_opens_an_account_bound_to_the_credit_code_without_a_password(self) -> None:
        organization = make_organization(self.rng, division=self.longshan)
        account = services.employer_account_create(organization=organization, actor=self.inspector)
        self.assertEqual(account.user.username, organization.credit_code)
        self.assertFalse(account.user.has_usable_password())
        self.assertEqual((account.user.role, account.user.org_unit), ("", None))
        self.assertTrue(AuditEvent.objects.filter(action="portal.account_create"))

    def test_an_organization_without_a_credit_code_gets_no_account(self) -> None:
        from qingling.parties.services import organization_register

        organization = organization_register(name="无代码公司", division=self.longshan, actor=None)
        with self.assertRaises(InvalidInput):
            services.employer_account_create(organization=organization, actor=self.inspector)

    def test_a_member_of_staff_without_party_editing_opens_none(self) -> None:
        organization = make_organization(self.rng, division=self.longshan)
        for actor in (self.director, self.outsider):
            with self.assertRaises(Forbidden):
                services.employer_account_create(organization=organization, actor=actor)

    def test_the_set_password_link_works_once(self) -> None:
        organization = make_organization(self.rng, division=self.longshan)
        account = services.employer_account_create(organization=organization, actor=self.chief)
        link = services.employer_password_link(account=account)
        page = self.client.get(link)
        self.assertTrue(page.context["valid"])
        done = self.client.post(
            link, {"new_password1": "qingling-2026!", "new_password2": "qingling-2026!"}
        )
        self.assertRedirects(done, "/portal/login/", fetch_redirect_response=False)
        self.assertFalse(self.client.get(link).context["valid"])
        signed_in = self.client.post(
            "/portal/login/", {"username": account.credit_code, "password": "qingling-2026!"}
        )
        self.assertRedirects(signed_in, "/portal/", fetch_redirect_response=False)

    def test_the_staff_page_opens_an_account_and_shows_the_link_once(self) -> None:
        organization = make_organization(self.rng, division=self.longshan)
        self.client.force_login(self.inspector)
        response = self.client.post(
            "/portal/staff/accounts/", {"credit_code": organization.credit_code.lower()}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("/portal/set-password/", response.context["link"])
        self.assertTrue(EmployerAccount.objects.filter(organization=organization))
        self.assertEqual(self.client.get("/portal/staff/accounts/").context["link"], "")

    def test_the_command_opens_an_account_and_prints_its_link(self) -> None:
        organization = make_organization(self.rng, division=self.longshan)
        out = StringIO()
        call_command("portal_account", "add", organization.credit_code, stdout=out)
        self.assertIn("/portal/set-password/", out.getvalue())
        out = StringIO()
        call_command("portal_account", "list", stdout=out)
        self.assertIn(organization.credit_code, out.getvalue())


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(CURRENT_TIME, tick=False)
class ElectronicServiceTests(BaseTestCase):
    def setUp(self) -> None:
        self.world = build_world(self)

    def test_confirming_receipt_records_an_electronic_service_that_starts_the_order(self) -> None:
        w = self.world
        delivery = services.delivery_send(document=w.order, actor=self.inspector)
        self.assertIsNone(w.case.order_due)
        services.delivery_confirm(delivery=delivery, account=w.account, actor=w.account.user)
        service = Service.objects.get(document=w.order)
        self.assertEqual(service.method, Service.Method.ELECTRONIC)
        self.assertTrue(service.electronic_consent)
        self.assertEqual(service.served_on, clock.local_today())
        self.assertEqual(service.recipient_organization, w.employer)
        self.assertIn(w.account.credit_code, service.electronic_address)
        w.case.refresh_from_db()
        self.assertEqual(w.case.order_served_on, clock.local_today())
        self.assertIsNotNone(w.case.order_due)
        again = services.delivery_confirm(
            delivery=delivery, account=w.account, actor=w.account.user
        )
        self.assertEqual(again.service, service)
        self.assertEqual(Service.objects.filter(document=w.order).count(), 1)

    def test_nothing_is_sent_without_the_written_agreement(self) -> None:
        w = self.world
        consent = w.employer.electronic_consents.get()
        services.consent_withdraw(
            consent=consent, withdrawn_on=clock.local_today(), actor=self.chief
        )
        with self.assertRaises(Conflict) as raised:
            services.delivery_send(document=w.order, actor=self.inspector)
        self.assertEqual(raised.exception.code, "no_electronic_consent")

    def test_another_employer_cannot_confirm(self) -> None:
        w = self.world
        delivery = services.delivery_send(document=w.order, actor=self.inspector)
        with self.assertRaises(NotFound):
            services.delivery_confirm(
                delivery=delivery, account=w.other_account, actor=w.other_account.user
            )
        with self.assertRaises(Forbidden):
            services.delivery_confirm(delivery=delivery, account=w.account, actor=self.inspector)

    def test_the_employer_confirms_on_its_page(self) -> None:
        w = self.world
        services.delivery_send(document=w.order, actor=self.inspector)
        self.client.force_login(w.account.user)
        response = self.client.post(f"/portal/documents/{w.order.public_id}/confirm/")
        self.assertRedirects(
            response, f"/portal/documents/{w.order.public_id}/", fetch_redirect_response=False
        )
        self.assertTrue(Service.objects.filter(document=w.order, method="electronic"))

    def test_an_inspector_sends_from_the_cases_portal_page(self) -> None:
        w = self.world
        self.client.force_login(self.inspector)
        response = self.client.post(
            f"/portal/staff/cases/{w.case.public_id}/", {"document": str(w.order.public_id)}
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(w.order.electronic_deliveries.exists())


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(CURRENT_TIME, tick=False)
class PaymentProofTests(BaseTestCase):
    def setUp(self) -> None:
        self.world = build_world(self)
        services.delivery_send(document=self.world.order, actor=self.inspector)

    def test_an_order_not_served_on_the_employer_is_not_answered(self) -> None:
        w = self.world
        with self.assertRaises(NotFound):
            services.payment_proof_submit(
                account=w.account,
                case=w.named_case,
                amount=Decimal("1.00"),
                paid_on=clock.local_today(),
                files=[pdf_file()],
                actor=w.account.user,
            )

    def test_a_proof_keeps_each_files_hash_and_staff_see_it_on_the_case_page(self) -> None:
        import hashlib

        w = self.world
        self.client.force_login(w.account.user)
        response = self.client.post(
            f"/portal/cases/{w.case.public_id}/",
            {
                "amount": "8000.00",
                "paid_on": clock.local_today().isoformat(),
                "attachments": [pdf_file("回单1.pdf"), pdf_file("回单2.pdf")],
            },
        )
        self.assertEqual(response.status_code, 302)
        files = PaymentProofFile.objects.filter(proof__case=w.case)
        self.assertEqual(files.count(), 2)
        self.assertEqual({f.sha256 for f in files}, {hashlib.sha256(PDF).hexdigest()})
        self.client.force_login(self.inspector)
        page = self.client.get(f"/cases/{w.case.public_id}/")
        self.assertContains(page, "1 proof of payment")
        portal_page = self.client.get(f"/portal/staff/cases/{w.case.public_id}/")
        self.assertContains(portal_page, "回单1.pdf")
        download = self.client.get(f"/portal/staff/proofs/{files[0].public_id}/")
        self.assertEqual(download.status_code, 200)
        self.client.force_login(self.xian)  # another county's inspector
        self.assertEqual(
            self.client.get(f"/portal/staff/proofs/{files[0].public_id}/").status_code, 404
        )

    def test_a_warning_answered_with_proof_shows_on_the_warning_page(self) -> None:
        w = self.world
        services.payment_proof_submit(
            account=w.account,
            warning=w.warning,
            amount=Decimal("500.00"),
            paid_on=clock.local_today(),
            files=[pdf_file()],
            actor=w.account.user,
        )
        self.client.force_login(self.chief)
        page = self.client.get(f"/prevention/warnings/{w.warning.public_id}/")
        self.assertContains(page, "1 proof of payment")
        self.assertContains(
            self.client.get(f"/portal/staff/warnings/{w.warning.public_id}/"), "500.00"
        )

    def test_a_file_that_is_not_a_photo_or_pdf_is_refused(self) -> None:
        w = self.world
        with self.assertRaises(InvalidInput):
            services.payment_proof_submit(
                account=w.account,
                case=w.case,
                amount=Decimal("1.00"),
                paid_on=clock.local_today(),
                files=[SimpleUploadedFile("回单.pdf", b"MZ\x90\x00 not a pdf")],
                actor=w.account.user,
            )

    def test_no_proof_for_another_employers_case_or_a_future_day(self) -> None:
        w = self.world
        with self.assertRaises(NotFound):
            services.payment_proof_submit(
                account=w.other_account,
                case=w.case,
                amount=Decimal("1.00"),
                paid_on=clock.local_today(),
                files=[pdf_file()],
                actor=w.other_account.user,
            )
        with self.assertRaises(InvalidInput):
            services.payment_proof_submit(
                account=w.account,
                case=w.case,
                amount=Decimal("1.00"),
                paid_on=clock.local_today() + dt.timedelta(days=1),
                files=[pdf_file()],
                actor=w.account.user,
            )

    def test_password_of_the_world_accounts_is_the_personas(self) -> None:
        self.assertTrue(self.world.account.user.check_password(PASSWORD))
