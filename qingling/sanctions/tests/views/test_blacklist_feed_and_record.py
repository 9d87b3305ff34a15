"""The sharing feed over the API (system key or staff) and the employer's record on the
organization's page and as XLSX."""

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import time_machine
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from qingling.cases.services import payment_record
from qingling.intake.models import Channel, Complaint, SourceSystem
from qingling.intake.services import source_system_create
from qingling.sanctions.lifecycle import ListingStatus
from qingling.sanctions.services import listing_transition
from qingling.sanctions.tests.world import (
    AFTER_DUE,
    THRESHOLDS,
    TODAY,
    make_listing,
    make_ordered_case,
    make_referral,
)
from qingling.testing import BaseTestCase

FEED = "/api/v1/blacklist/feed"


@THRESHOLDS
@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(AFTER_DUE, tick=False)
class BlacklistFeedApiTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = make_ordered_case(self)
        self.listing = make_listing(self, self.case)
        _system, self.key = source_system_create(
            name="信用信息共享平台", scope=SourceSystem.Scope.BLACKLIST_FEED, actor=None
        )

    def read(self, after: int = 0) -> Any:
        response = self.client.get(FEED, {"after": after}, HTTP_AUTHORIZATION=f"Bearer {self.key}")
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()

    def test_a_removal_appears_in_the_next_feed_after_the_cursor(self) -> None:
        first = self.read()
        [listed] = first["lines"]
        self.assertEqual(listed["event"], "listed")
        self.assertEqual(listed["decision_number"], self.listing.number)
        cursor = first["next_cursor"]
        self.assertEqual(self.read(after=cursor)["lines"], [])
        payment_record(
            claim=self.case.claims.get(),
            amount=Decimal("10000.00"),
            paid_on=TODAY,
            payer_kind="employer",
            actor=self.inspector,
        )
        with time_machine.travel(dt.datetime(2027, 6, 14, 2, tzinfo=dt.UTC), tick=False):
            listing_transition(
                listing=self.listing,
                target=ListingStatus.REMOVED,
                actor=self.chief,
                repaid_on=TODAY,
                commitment_note="守信承诺书",
            )
        following = self.read(after=cursor)
        [removed] = following["lines"]
        self.assertEqual((removed["event"], removed["removed_on"]), ("removed", "2027-06-14"))
        self.assertEqual(removed["credit_code"], self.case.respondent.credit_code)
        self.assertGreater(following["next_cursor"], cursor)

    def test_staff_who_see_cases_read_it_and_others_do_not(self) -> None:
        self.login(self.inspector)
        self.assertEqual(self.client.get(FEED).status_code, 200)
        self.login(self.outsider)
        self.assertIn(self.client.get(FEED).status_code, (401, 403))
        self.client.logout()
        self.assertEqual(self.client.get(FEED).status_code, 401)
        wrong = self.client.get(FEED, HTTP_AUTHORIZATION="Bearer ql_wrong")
        self.assertEqual(wrong.status_code, 401)

    def test_a_complaint_filing_key_cannot_read_the_feed(self) -> None:
        _hotline, key = source_system_create(
            name="12345热线", channel=Channel.HOTLINE_12345, actor=None
        )
        for headers in ({"Authorization": f"Bearer {key}"}, {"X-API-Key": key}):
            response = self.client.get(FEED, headers=headers)
            self.assertEqual(response.status_code, 403)
            self.assertEqual(response.json()["code"], "key_scope_refused")

    def test_the_feed_key_files_no_complaint(self) -> None:
        body = {
            "source_ref": "GD-2026-0001",
            "complainant": {"name": "王强", "phone": "13800000000"},
            "employer_name": "辽源市鑫盛建筑工程有限公司",
            "amount": "1000.00",
            "description": "拖欠工资",
        }
        response = self.client.post(
            "/api/v1/complaints",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.key}",
        )
        self.assertEqual(response.status_code, 403, response.content)
        self.assertEqual(response.json()["code"], "key_scope_refused")
        open311 = self.client.post(
            "/open311/v2/requests.json",
            {"api_key": self.key, "service_code": "wage_arrears"},
        )
        self.assertEqual(open311.status_code, 403)
        self.assertFalse(Complaint.objects.filter(source_ref="GD-2026-0001").exists())


@THRESHOLDS
@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(AFTER_DUE, tick=False)
class OrganizationRecordTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = make_ordered_case(self, employer_name="辽源市档案建筑有限公司")
        self.listing = make_listing(self, self.case)
        self.referral = make_referral(self, self.case)
        self.organization = self.case.respondent

    def test_the_organization_page_shows_cases_orders_listings_and_transfers(self) -> None:
        self.login(self.inspector)
        url = reverse("parties:organization_detail", args=[self.organization.public_id])
        page = self.client.get(url)
        self.assertContains(page, 'id="section-record"')
        self.assertContains(page, self.case.number)
        self.assertContains(page, "Order to pay")
        self.assertContains(page, self.listing.number)
        self.assertContains(
            page, reverse("sanctions:referral_detail", args=[self.referral.public_id])
        )

    def test_the_record_is_exported_as_xlsx(self) -> None:
        self.login(self.chief)
        url = reverse("sanctions:organization_record_export", args=[self.organization.public_id])
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        sheet = load_workbook(io.BytesIO(response.content)).active
        values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
        self.assertIn(self.listing.number, values)
        self.assertIn(self.case.number, values)

    def test_an_outsider_sees_no_record(self) -> None:
        self.login(self.outsider)
        url = reverse("sanctions:organization_record_export", args=[self.organization.public_id])
        self.assertEqual(self.client.get(url).status_code, 403)
