import datetime as dt
from typing import Any

from qingling.intake.models import Channel, Complaint
from qingling.intake.services import complaint_decline, source_system_create
from qingling.parties.demo import fake_id_number
from qingling.testing import BaseTestCase

BASE = "/open311/v2"
# The fields of a service request in GeoReport v2.
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


class Open311TestCase(BaseTestCase):
    key: str

    def setUp(self) -> None:
        self.system, self.key = source_system_create(
            name="某区311热线", channel=Channel.HOTLINE_12345, actor=None
        )
        self.id_number = fake_id_number(self.rng)

    def submit(self, **overrides: str) -> Any:
        data = {
            "api_key": self.key,
            "service_code": "wage_arrears_complaint",
            "first_name": "建国",
            "last_name": "王",
            "phone": "13843712345",
            "description": f"王建国（身份证{self.id_number}，电话13843712345）反映"
            "公司拖欠其与工友共15人工资约12万元，另可联系0437-3212345。",
            "attribute[employer_name]": "辽源市鑫盛建筑工程有限公司",
            "attribute[project_name]": "福民小区",
            "attribute[amount]": "120000",
            "attribute[headcount]": "15",
            "attribute[period]": "2026年3月至10月",
            "attribute[source_ref]": "311-0001",
            "address_string": "龙山区福民路1号",
        }
        data.update(overrides)
        return self.client.post(f"{BASE}/requests.json", {k: v for k, v in data.items() if v})

    def assertOpen311Error(self, response: Any, status: int) -> list[dict[str, Any]]:
        self.assertEqual(response.status_code, status, response.content)
        errors: list[dict[str, Any]] = response.json()
        self.assertTrue(errors)
        for error in errors:
            self.assertEqual(set(error), {"code", "description"})
            self.assertEqual(error["code"], status)
        return errors


class ServicesTests(Open311TestCase):
    def test_lists_one_service_per_kind_of_complaint(self) -> None:
        response = self.client.get(f"{BASE}/services.json")
        self.assertEqual(response.status_code, 200)
        services = response.json()
        self.assertEqual(
            [s["service_code"] for s in services],
            ["wage_arrears_complaint", "wage_arrears_report"],
        )
        for service in services:
            self.assertEqual(service["type"], "realtime")
            self.assertIs(service["metadata"], True)
            self.assertTrue(service["service_name"])
            self.assertIn("keywords", service)
            self.assertIn("group", service)

    def test_defines_the_attributes_of_a_service(self) -> None:
        response = self.client.get(f"{BASE}/services/wage_arrears_complaint.json")
        self.assertEqual(response.status_code, 200)
        definition = response.json()
        self.assertEqual(definition["service_code"], "wage_arrears_complaint")
        attributes = {a["code"]: a for a in definition["attributes"]}
        self.assertLessEqual(
            {"employer_name", "project_name", "amount", "headcount", "period"}, set(attributes)
        )
        self.assertEqual(attributes["amount"]["datatype"], "number")
        self.assertEqual(
            set(attributes["amount"]),
            {
                "variable",
                "code",
                "datatype",
                "required",
                "datatype_description",
                "order",
                "description",
            },
        )

    def test_an_unknown_service_is_404_in_the_error_format(self) -> None:
        self.assertOpen311Error(self.client.get(f"{BASE}/services/parking.json"), 404)

    def test_xml_is_refused_with_a_clear_message(self) -> None:
        errors = self.assertOpen311Error(self.client.get(f"{BASE}/services.xml"), 400)
        self.assertIn(".json", errors[0]["description"])


class PostRequestTests(Open311TestCase):
    def test_creates_a_complaint_in_the_systems_channel(self) -> None:
        response = self.submit()
        self.assertEqual(response.status_code, 201, response.content)
        complaint = Complaint.objects.get()
        self.assertEqual(
            response.json(),
            [
                {
                    "service_request_id": complaint.number,
                    "service_notice": response.json()[0]["service_notice"],
                    "account_id": None,
                }
            ],
        )
        self.assertIn(complaint.acceptance_due.isoformat(), response.json()[0]["service_notice"])
        self.assertEqual(complaint.channel, Channel.HOTLINE_12345)
        self.assertEqual(complaint.source_system, self.system)
        self.assertEqual(complaint.source_ref, "311-0001")
        self.assertEqual(complaint.complainant.name, "王建国")  # type: ignore[union-attr]
        self.assertEqual(complaint.employer_name, "辽源市鑫盛建筑工程有限公司")
        self.assertEqual(complaint.headcount, 15)
        self.assertIn("龙山区福民路1号", complaint.narrative)

    def test_the_same_source_ref_returns_the_same_request(self) -> None:
        first = self.submit().json()[0]["service_request_id"]
        again = self.submit()
        self.assertEqual(again.status_code, 200)
        self.assertEqual(again.json()[0]["service_request_id"], first)
        self.assertEqual(Complaint.objects.count(), 1)

    def test_a_report_may_be_anonymous(self) -> None:
        response = self.submit(
            service_code="wage_arrears_report", first_name="", last_name="", phone=""
        )
        self.assertEqual(response.status_code, 201, response.content)
        complaint = Complaint.objects.get()
        self.assertEqual(complaint.kind, "report")
        self.assertIs(complaint.anonymous, True)
        self.assertIsNone(complaint.complainant)

    def test_a_bad_or_missing_api_key_is_refused_in_the_error_format(self) -> None:
        self.assertOpen311Error(self.submit(api_key="ql_wrong"), 403)
        self.assertOpen311Error(self.submit(api_key=""), 403)
        self.assertFalse(Complaint.objects.exists())

    def test_bad_input_names_every_bad_field_by_its_open311_name(self) -> None:
        errors = self.assertOpen311Error(
            self.submit(
                **{"attribute[amount]": "lots", "phone": "123", "first_name": "", "last_name": ""}
            ),
            400,
        )
        named = {error["description"].split(":")[0] for error in errors}
        self.assertEqual(named, {"attribute[amount]", "phone", "first_name"})
        self.assertFalse(Complaint.objects.exists())

    def test_a_request_without_its_own_number_is_refused(self) -> None:
        """A 311 client retrying after a time-out would otherwise file twice."""
        self.assertOpen311Error(self.submit(**{"attribute[source_ref]": ""}), 400)
        self.assertFalse(Complaint.objects.exists())

    def test_an_unknown_service_code_is_refused(self) -> None:
        self.assertOpen311Error(self.submit(service_code="parking"), 400)


class GetRequestTests(Open311TestCase):
    def test_shows_a_request_without_personal_data(self) -> None:
        number = self.submit().json()[0]["service_request_id"]
        response = self.client.get(f"{BASE}/requests/{number}.json")
        self.assertEqual(response.status_code, 200, response.content)
        [request] = response.json()
        self.assertEqual(set(request), REQUEST_FIELDS)
        self.assertEqual(request["service_request_id"], number)
        self.assertEqual(request["status"], "open")
        self.assertEqual(request["service_code"], "wage_arrears_complaint")
        self.assertIsNone(request["description"])  # free text is never published
        text = response.content.decode()
        for personal in ("王建国", "13843712345", self.id_number, "0437-3212345"):
            self.assertNotIn(personal, text)
        dt.datetime.fromisoformat(request["requested_datetime"])

    def test_no_request_shows_its_narrative(self) -> None:
        number = self.submit(service_code="wage_arrears_report").json()[0]["service_request_id"]
        [request] = self.client.get(f"{BASE}/requests/{number}.json").json()
        self.assertIsNone(request["description"])
        self.assertNotIn("拖欠", str(request))

    def test_an_unknown_id_is_404_in_the_error_format(self) -> None:
        self.assertOpen311Error(self.client.get(f"{BASE}/requests/2026-999999.json"), 404)

    def test_lists_by_service_request_id(self) -> None:
        one = self.submit().json()[0]["service_request_id"]
        two = self.submit(**{"attribute[source_ref]": "311-0002"}).json()[0]["service_request_id"]
        self.submit(**{"attribute[source_ref]": "311-0003"})
        response = self.client.get(f"{BASE}/requests.json", {"service_request_id": f"{one},{two}"})
        self.assertEqual({r["service_request_id"] for r in response.json()}, {one, two})

    def test_lists_by_status_and_dates(self) -> None:
        self.submit()
        closed = self.submit(**{"attribute[source_ref]": "311-0002"}).json()[0][
            "service_request_id"
        ]
        complaint_decline(
            complaint=Complaint.objects.get(source_ref="311-0002"),
            reason="not_area",
            actor=self.intake,
        )
        response = self.client.get(f"{BASE}/requests.json", {"status": "closed"})
        self.assertEqual([r["service_request_id"] for r in response.json()], [closed])
        self.assertEqual(len(self.client.get(f"{BASE}/requests.json").json()), 2)
        past = self.client.get(
            f"{BASE}/requests.json",
            {"start_date": "2020-01-01T00:00:00+08:00", "end_date": "2020-12-31T00:00:00+08:00"},
        )
        self.assertEqual(past.json(), [])

    def test_a_bad_filter_is_refused_in_the_error_format(self) -> None:
        self.assertOpen311Error(self.client.get(f"{BASE}/requests.json", {"status": "x"}), 400)
        self.assertOpen311Error(
            self.client.get(f"{BASE}/requests.json", {"start_date": "soon"}), 400
        )

    def test_the_list_has_no_personal_data(self) -> None:
        self.submit()
        text = self.client.get(f"{BASE}/requests.json").content.decode()
        self.assertNotIn("13843712345", text)
        self.assertNotIn("王建国", text)
