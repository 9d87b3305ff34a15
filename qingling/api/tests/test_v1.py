from typing import Any

from django.test import Client, override_settings

from qingling.core.models import AuditEvent
from qingling.parties.demo import fake_credit_code
from qingling.parties.models import Organization
from qingling.parties.services import organization_register
from qingling.testing import BaseTestCase

ORGANIZATIONS = "/api/v1/organizations"
ENVELOPE = {"message", "code", "extra"}


@override_settings(LANGUAGE_CODE="en")
class ApiTestCase(BaseTestCase):
    def post_json(self, url: str, data: dict[str, Any], client: Client | None = None) -> Any:
        return (client or self.client).post(url, data, content_type="application/json")

    def assertEnvelope(self, response: Any, status: int, code: str) -> dict[str, Any]:
        self.assertEqual(response.status_code, status, response.content)
        body: dict[str, Any] = response.json()
        self.assertEqual(set(body), ENVELOPE)
        self.assertEqual(body["code"], code)
        return body


class OrganizationsAuthTests(ApiTestCase):
    def test_anonymous_gets_401_in_the_envelope(self) -> None:
        body = self.assertEnvelope(self.client.get(ORGANIZATIONS), 401, "unauthenticated")
        self.assertEqual(
            body, {"message": "Sign in first.", "code": "unauthenticated", "extra": {}}
        )

    def test_outsider_is_refused_in_the_envelope(self) -> None:
        organization_register(name="辽源市秘密建筑有限公司", actor=None)
        self.client.force_login(self.outsider)
        response = self.client.get(ORGANIZATIONS)
        self.assertIn(response.status_code, (401, 403))
        self.assertEqual(set(response.json()), ENVELOPE)
        self.assertNotIn("秘密", response.content.decode())

    def test_outsider_cannot_register(self) -> None:
        self.client.force_login(self.outsider)
        response = self.post_json(ORGANIZATIONS, {"name": "甲公司"})
        self.assertIn(response.status_code, (401, 403))
        self.assertEqual(set(response.json()), ENVELOPE)
        self.assertIs(Organization.objects.exists(), False)

    def test_director_may_list_but_not_register(self) -> None:
        self.client.force_login(self.director)
        self.assertEqual(self.client.get(ORGANIZATIONS).status_code, 200)
        self.assertEnvelope(self.post_json(ORGANIZATIONS, {"name": "甲公司"}), 403, "forbidden")
        self.assertIs(Organization.objects.exists(), False)

    def test_a_write_without_the_csrf_token_is_refused_when_checks_are_enforced(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.intake)
        response = self.post_json(ORGANIZATIONS, {"name": "甲公司"}, client=client)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(set(response.json()), ENVELOPE)
        self.assertIs(Organization.objects.exists(), False)

    def test_a_write_with_the_csrf_token_passes_when_checks_are_enforced(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.intake)
        client.get("/")  # the page sets the csrftoken cookie
        token = client.cookies["csrftoken"].value
        response = client.post(
            ORGANIZATIONS,
            {"name": "甲公司"},
            content_type="application/json",
            headers={"X-CSRFToken": token},
        )
        self.assertEqual(response.status_code, 201, response.content)


class OrganizationsTests(ApiTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.intake)

    def test_lists_and_searches_organizations(self) -> None:
        code = fake_credit_code(self.rng)
        first = organization_register(
            name="甲建筑公司", credit_code=code, division=self.longshan, actor=None
        )
        organization_register(name="乙劳务公司", actor=None)
        response = self.client.get(ORGANIZATIONS)
        self.assertEqual(response.status_code, 200)
        self.assertEqual([o["name"] for o in response.json()], ["乙劳务公司", "甲建筑公司"])
        found = self.client.get(ORGANIZATIONS, {"q": code}).json()
        self.assertEqual(
            found,
            [
                {
                    "id": str(first.public_id),
                    "name": "甲建筑公司",
                    "credit_code": code,
                    "division": "220402",
                    "address": "",
                }
            ],
        )

    def test_pages_with_limit_and_offset(self) -> None:
        for name in ("甲", "乙", "丙"):
            organization_register(name=name, actor=None)
        page = self.client.get(ORGANIZATIONS, {"limit": "1", "offset": "1"}).json()
        self.assertEqual(len(page), 1)

    def test_gets_one_organization(self) -> None:
        organization = organization_register(name="甲公司", actor=None)
        response = self.client.get(f"{ORGANIZATIONS}/{organization.public_id}")
        self.assertEqual(response.json()["name"], "甲公司")

    def test_answers_404_in_the_envelope(self) -> None:
        response = self.client.get(f"{ORGANIZATIONS}/00000000-0000-0000-0000-000000000000")
        self.assertEnvelope(response, 404, "not_found")

    def test_registers_an_organization_and_audits_it(self) -> None:
        code = fake_credit_code(self.rng)
        response = self.post_json(
            ORGANIZATIONS,
            {"name": "辽源市鑫盛建筑工程有限公司", "credit_code": code, "division": "220402"},
        )
        self.assertEqual(response.status_code, 201, response.content)
        organization = Organization.objects.get()
        self.assertEqual(response.json()["id"], str(organization.public_id))
        self.assertEqual(response.json()["division"], "220402")
        event = AuditEvent.objects.get(action="organization.register")
        self.assertEqual(event.actor, self.intake)

    def test_answers_400_naming_the_credit_code(self) -> None:
        code = fake_credit_code(self.rng)
        wrong = code[:17] + ("1" if code[17] != "1" else "2")
        response = self.post_json(ORGANIZATIONS, {"name": "甲公司", "credit_code": wrong})
        body = self.assertEnvelope(response, 400, "invalid")
        self.assertIn("check character", body["extra"]["fields"]["credit_code"][0])
        self.assertIs(Organization.objects.exists(), False)

    def test_answers_409_for_a_duplicate_credit_code(self) -> None:
        code = fake_credit_code(self.rng)
        organization_register(name="甲公司", credit_code=code, actor=None)
        response = self.post_json(ORGANIZATIONS, {"name": "乙公司", "credit_code": code})
        self.assertEnvelope(response, 409, "organization_duplicate_credit_code")

    def test_answers_400_for_an_unknown_division(self) -> None:
        response = self.post_json(ORGANIZATIONS, {"name": "甲公司", "division": "999999"})
        body = self.assertEnvelope(response, 400, "invalid")
        self.assertIn("division", body["extra"]["fields"])

    def test_answers_422_in_the_envelope_for_invalid_fields(self) -> None:
        response = self.post_json(ORGANIZATIONS, {"name": ""})
        body = self.assertEnvelope(response, 422, "invalid")
        self.assertIn("name", body["extra"]["fields"])
        missing = self.post_json(ORGANIZATIONS, {})
        self.assertIn("name", self.assertEnvelope(missing, 422, "invalid")["extra"]["fields"])

    def test_answers_422_for_a_limit_out_of_range(self) -> None:
        response = self.client.get(ORGANIZATIONS, {"limit": "0"})
        body = self.assertEnvelope(response, 422, "invalid")
        self.assertIn("limit", body["extra"]["fields"])


class WorkdaysTests(ApiTestCase):
    def test_adds_working_days_across_the_spring_festival(self) -> None:
        self.client.force_login(self.inspector)
        response = self.client.get("/api/v1/workdays/add", {"start": "2021-02-08", "days": "5"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json(),
            {"start": "2021-02-08", "days": 5, "date": "2021-02-20", "provisional": False},
        )

    def test_marks_a_date_in_a_year_without_schedule_provisional(self) -> None:
        self.client.force_login(self.inspector)
        response = self.client.get("/api/v1/workdays/add", {"start": "2099-12-30", "days": "3"})
        self.assertIs(response.json()["provisional"], True)

    def test_answers_422_for_negative_days(self) -> None:
        self.client.force_login(self.inspector)
        response = self.client.get("/api/v1/workdays/add", {"start": "2021-02-08", "days": "-1"})
        self.assertEnvelope(response, 422, "invalid")

    def test_requires_sign_in(self) -> None:
        response = self.client.get("/api/v1/workdays/add", {"start": "2021-02-08", "days": "5"})
        self.assertEnvelope(response, 401, "unauthenticated")


class OrganizationsJurisdictionTests(ApiTestCase):
    """Issue 17, 8: the API lists and opens organizations by the same rule as the pages."""

    def setUp(self) -> None:
        self.xian_org = organization_register(
            name="西安区某建筑公司", division=self.xian_division, actor=None
        )
        self.longshan_org = organization_register(
            name="龙山区某劳务公司", division=self.longshan, actor=None
        )

    def test_a_county_inspector_lists_and_opens_only_the_countys_organizations(self) -> None:
        self.client.force_login(self.inspector)
        listed = self.client.get(ORGANIZATIONS)
        self.assertEqual([row["name"] for row in listed.json()], ["龙山区某劳务公司"])
        self.assertEqual(
            self.client.get(f"{ORGANIZATIONS}/{self.longshan_org.public_id}").status_code, 200
        )
        self.assertEnvelope(
            self.client.get(f"{ORGANIZATIONS}/{self.xian_org.public_id}"), 404, "not_found"
        )

    def test_the_chief_lists_every_organization(self) -> None:
        self.client.force_login(self.chief)
        listed = self.client.get(ORGANIZATIONS)
        self.assertEqual(
            {row["name"] for row in listed.json()}, {"西安区某建筑公司", "龙山区某劳务公司"}
        )
        self.assertEqual(
            self.client.get(f"{ORGANIZATIONS}/{self.xian_org.public_id}").status_code, 200
        )


class BoundsTests(ApiTestCase):
    """What schemathesis found answering 500, now refused with 422 in the envelope."""

    def setUp(self) -> None:
        self.client.force_login(self.intake)

    def test_refuses_an_offset_beyond_a_64_bit_integer(self) -> None:
        body = self.assertEnvelope(
            self.client.get(ORGANIZATIONS, {"offset": 10**20}), 422, "invalid"
        )
        self.assertIn("offset", body["extra"]["fields"])

    def test_accepts_the_largest_offset_and_answers_an_empty_page(self) -> None:
        response = self.client.get(ORGANIZATIONS, {"offset": 2**31 - 1, "limit": 200})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json(), [])

    def test_refuses_a_day_from_which_working_days_leave_the_calendar(self) -> None:
        response = self.client.get("/api/v1/workdays/add?start=9999-12-31&days=1")
        body = self.assertEnvelope(response, 422, "invalid")
        self.assertIn("start", body["extra"]["fields"])

    def test_refuses_statistics_for_the_first_and_the_last_possible_day(self) -> None:
        for day in ("0001-01-01", "9999-12-31"):
            response = self.client.get(f"/api/v1/stats?from={day}&to={day}")
            self.assertEnvelope(response, 422, "invalid")

    def test_refuses_an_address_longer_than_its_column(self) -> None:
        response = self.post_json(ORGANIZATIONS, {"name": "甲公司", "address": "长" * 201})
        body = self.assertEnvelope(response, 422, "invalid")
        self.assertIn("address", body["extra"]["fields"])
        self.assertIs(Organization.objects.exists(), False)

    def test_refuses_a_null_character_in_the_body_naming_the_field(self) -> None:
        response = self.post_json(ORGANIZATIONS, {"name": "甲公司", "division": "22\x000402"})
        body = self.assertEnvelope(response, 422, "invalid")
        self.assertEqual(list(body["extra"]["fields"]), ["division"])
        self.assertIs(Organization.objects.exists(), False)

    def test_refuses_a_null_character_in_the_query(self) -> None:
        body = self.assertEnvelope(self.client.get(ORGANIZATIONS, {"q": "甲\x00"}), 422, "invalid")
        self.assertEqual(list(body["extra"]["fields"]), ["q"])


class EnvelopeAroundOperationsTests(ApiTestCase):
    """Django's and ninja's own answers under /api/ are the envelope too."""

    def test_a_url_matching_no_operation_answers_404(self) -> None:
        self.assertEnvelope(self.client.get("/api/v1/nothing-here"), 404, "not_found")
        # A line break in a number matches no route either.
        self.assertEnvelope(self.client.get("/api/v1/complaints/a%0Ab"), 404, "not_found")

    def test_a_method_the_path_does_not_serve_answers_405_with_the_allowed_ones(self) -> None:
        response = self.client.generic("TRACE", ORGANIZATIONS)
        body = self.assertEnvelope(response, 405, "method_not_allowed")
        self.assertEqual(sorted(body["extra"]["allowed"]), ["GET", "POST"])
        self.assertIn("GET", response["Allow"])

    def test_a_body_django_cannot_read_answers_400(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.intake)
        client.cookies["csrftoken"] = "x" * 32
        response = client.post(
            ORGANIZATIONS,
            b"{}",
            content_type="multipart/form-data",  # without its boundary
            headers={"X-CSRFToken": "x" * 32},
        )
        self.assertEnvelope(response, 400, "bad_request")

    def test_pages_outside_the_api_keep_their_own_error_pages(self) -> None:
        response = self.client.get("/nothing-here/")
        self.assertEqual(response.status_code, 404)
        self.assertNotIn("application/json", response["Content-Type"])
