from typing import Any, ClassVar

import time_machine

from qingling.intake.models import Channel, Complaint, SourceSystem
from qingling.intake.services import complaint_decline, source_system_create
from qingling.testing import CURRENT_TIME, BaseTestCase

PUSH = "/api/v1/complaints"
ENVELOPE = {"message", "code", "extra"}


def work_order(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "source_ref": "GD20261127-0001",
        "name": "王建国",
        "phone": "13843712345",
        "employer_name": "辽源市鑫盛建筑工程有限公司",
        "project_name": "福民小区",
        "amount": "120000",
        "headcount": 15,
        "period": "2026年3月至10月",
        "narrative": "市民来电反映：公司拖欠其与工友共15人工资约12万元。",
    }
    values.update(overrides)
    return values


class PushTestCase(BaseTestCase):
    system: SourceSystem
    key: str

    def setUp(self) -> None:
        self.system, self.key = source_system_create(
            name="12345热线", channel=Channel.HOTLINE_12345, actor=None
        )

    def push(self, data: dict[str, object], *, key: str | None = None, **headers: str) -> Any:
        return self.client.post(
            PUSH,
            data,
            content_type="application/json",
            headers={"Authorization": f"Bearer {key or self.key}", **headers},
        )

    def assertEnvelope(self, response: Any, status: int, code: str) -> dict[str, Any]:
        self.assertEqual(response.status_code, status, response.content)
        body: dict[str, Any] = response.json()
        self.assertEqual(set(body), ENVELOPE)
        self.assertEqual(body["code"], code)
        return body


class PushComplaintTests(PushTestCase):
    @time_machine.travel(CURRENT_TIME, tick=False)
    def test_creates_one_complaint_in_the_systems_channel_with_its_deadline(self) -> None:
        response = self.push(work_order())
        self.assertEqual(response.status_code, 201, response.content)
        complaint = Complaint.objects.get()
        self.assertEqual(complaint.channel, Channel.HOTLINE_12345)
        self.assertEqual(complaint.source_system, self.system)
        self.assertEqual(complaint.source_ref, "GD20261127-0001")
        self.assertEqual(complaint.headcount, 15)
        body = response.json()
        self.assertEqual(body["number"], complaint.number)
        self.assertEqual(body["id"], str(complaint.public_id))
        self.assertEqual(body["status"], "received")
        self.assertEqual(body["acceptance_due"], "2026-12-04")  # Fri 27 Nov + 5 working days
        self.assertIs(body["acceptance_due_provisional"], False)
        self.assertNotIn("query_code", body)
        self.assertNotIn(complaint.query_code, response.content.decode())

    def test_the_deadline_counts_from_received_at_across_spring_festival(self) -> None:
        response = self.push(work_order(received_at="2021-02-08T09:30:00+08:00"))
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["acceptance_due"], "2021-02-20")
        self.assertEqual(response.json()["number"][:4], "2021")

    def test_accepts_the_key_in_x_api_key(self) -> None:
        response = self.client.post(
            PUSH, work_order(), content_type="application/json", headers={"X-API-Key": self.key}
        )
        self.assertEqual(response.status_code, 201, response.content)

    def test_an_amount_may_be_a_number(self) -> None:
        self.assertEqual(self.push(work_order(amount=12000.5)).status_code, 201)
        self.assertEqual(str(Complaint.objects.get().amount_claimed), "12000.50")

    def test_the_same_source_ref_twice_is_one_complaint(self) -> None:
        first = self.push(work_order())
        again = self.push(work_order(name="别人"))
        self.assertEqual(first.status_code, 201)
        self.assertEqual(again.status_code, 200, again.content)
        self.assertEqual(again.json()["number"], first.json()["number"])
        self.assertEqual(Complaint.objects.count(), 1)

    def test_the_same_idempotency_key_twice_is_one_complaint(self) -> None:
        first = self.push(work_order(source_ref="A-1"), **{"Idempotency-Key": "retry-7"})
        again = self.push(work_order(source_ref="A-2"), **{"Idempotency-Key": "retry-7"})
        self.assertEqual(first.status_code, 201)
        self.assertEqual(again.status_code, 200)
        self.assertEqual(again.json()["number"], first.json()["number"])
        self.assertEqual(Complaint.objects.count(), 1)

    def test_the_same_number_on_another_systems_channel_is_another_complaint(self) -> None:
        _platform, key = source_system_create(
            name="全国根治欠薪线索反映平台", channel=Channel.NATIONAL_PLATFORM, actor=None
        )
        self.assertEqual(self.push(work_order()).status_code, 201)
        self.assertEqual(self.push(work_order(), key=key).status_code, 201)
        self.assertEqual(Complaint.objects.count(), 2)

    def test_a_number_another_system_of_the_channel_used_is_a_conflict(self) -> None:
        _other, key = source_system_create(
            name="12345热线（县）", channel=Channel.HOTLINE_12345, actor=None
        )
        self.push(work_order())
        body = self.assertEnvelope(self.push(work_order(), key=key), 409, "duplicate_elsewhere")
        self.assertNotIn("王建国", str(body))


class PushBadInputTests(PushTestCase):
    BAD: ClassVar[dict[str, object]] = work_order(
        source_ref="",
        phone="12345",
        id_number="220402199002301234",
        amount="十二万",
        headcount="many",
        division_code="999999",
        received_at="yesterday",
    )
    BAD_FIELDS: ClassVar[set[str]] = {
        "source_ref",
        "phone",
        "id_number",
        "amount",
        "headcount",
        "division_code",
        "received_at",
    }

    def test_names_every_bad_field_in_chinese_and_stores_nothing(self) -> None:
        body = self.assertEnvelope(self.push(self.BAD), 400, "invalid")
        self.assertEqual(body["message"], "部分内容填写有误。")
        self.assertEqual(set(body["extra"]["fields"]), self.BAD_FIELDS)
        self.assertFalse(Complaint.objects.exists())

    def test_answers_in_english_with_accept_language_en(self) -> None:
        response = self.push(self.BAD, **{"Accept-Language": "en-GB,en;q=0.9"})
        body = self.assertEnvelope(response, 400, "invalid")
        self.assertEqual(body["message"], "Some fields are not valid.")
        self.assertEqual(body["extra"]["fields"]["headcount"], ["Enter a whole number."])
        self.assertEqual(response.headers["Content-Language"], "en")
        self.assertFalse(Complaint.objects.exists())

    def test_the_domains_errors_are_named_with_the_conversion_errors(self) -> None:
        body = self.assertEnvelope(
            self.push(work_order(name="", amount="abc", employer_name="", narrative="")),
            400,
            "invalid",
        )
        self.assertEqual(set(body["extra"]["fields"]), {"name", "amount", "employer_name"})

    def test_domain_errors_alone_are_named_too(self) -> None:
        body = self.assertEnvelope(
            self.push(work_order(phone="", division_code="999999")), 400, "invalid"
        )
        self.assertEqual(set(body["extra"]["fields"]), {"phone", "division_code"})

    def test_a_time_of_receipt_in_the_future_is_refused(self) -> None:
        body = self.assertEnvelope(
            self.push(work_order(received_at="2999-01-01T00:00:00+08:00")), 400, "invalid"
        )
        self.assertEqual(set(body["extra"]["fields"]), {"received_at"})

    def test_a_body_of_the_wrong_shape_gets_the_envelope(self) -> None:
        response = self.client.post(
            PUSH,
            "[1, 2]",
            content_type="application/json",
            headers={"Authorization": f"Bearer {self.key}"},
        )
        self.assertIn(response.status_code, (400, 422))
        self.assertEqual(set(response.json()), ENVELOPE)
        self.assertFalse(Complaint.objects.exists())


class PushNullCharacterTests(PushTestCase):
    def test_refuses_a_null_character_naming_the_field_and_stores_nothing(self) -> None:
        response = self.push(work_order(narrative="拖欠工资\x00"))
        body = self.assertEnvelope(response, 422, "invalid")
        self.assertEqual(list(body["extra"]["fields"]), ["narrative"])
        self.assertIs(Complaint.objects.exists(), False)


class PushAuthTests(PushTestCase):
    def test_a_missing_key_gets_401_in_the_envelope(self) -> None:
        response = self.client.post(PUSH, work_order(), content_type="application/json")
        self.assertEnvelope(response, 401, "unauthenticated")
        self.assertFalse(Complaint.objects.exists())

    def test_a_wrong_key_gets_401_in_english_when_asked(self) -> None:
        response = self.push(work_order(), key="ql_wrong", **{"Accept-Language": "en"})
        body = self.assertEnvelope(response, 401, "unauthenticated")
        self.assertIn("API key", body["message"])
        self.assertFalse(Complaint.objects.exists())

    def test_an_inactive_systems_key_is_refused(self) -> None:
        SourceSystem.objects.filter(pk=self.system.pk).update(is_active=False)
        self.assertEnvelope(self.push(work_order()), 401, "unauthenticated")

    def test_a_staff_session_is_not_a_key(self) -> None:
        self.login(self.intake)
        response = self.client.post(PUSH, work_order(), content_type="application/json")
        self.assertEnvelope(response, 401, "unauthenticated")


class PushedComplaintStatusTests(PushTestCase):
    def get(self, source_ref: str, *, key: str | None = None) -> Any:
        return self.client.get(
            f"{PUSH}/{source_ref}", headers={"Authorization": f"Bearer {key or self.key}"}
        )

    def test_shows_the_status_of_the_systems_own_complaint(self) -> None:
        number = self.push(work_order()).json()["number"]
        body = self.get("GD20261127-0001").json()
        self.assertEqual(body["number"], number)
        self.assertEqual(body["status"], "received")
        self.assertIsNone(body["decision"])

    def test_shows_the_decision(self) -> None:
        self.push(work_order())
        complaint_decline(complaint=Complaint.objects.get(), reason="not_area", actor=self.intake)
        response = self.get("GD20261127-0001")
        self.assertEqual(response.status_code, 200, response.content)
        decision = response.json()["decision"]
        self.assertEqual(response.json()["status"], "not_accepted")
        self.assertEqual(decision["reason"], "not_area")
        self.assertTrue(decision["reason_label"])

    def test_another_system_cannot_read_it(self) -> None:
        _other, key = source_system_create(
            name="全国根治欠薪线索反映平台", channel=Channel.NATIONAL_PLATFORM, actor=None
        )
        self.push(work_order())
        body = self.assertEnvelope(self.get("GD20261127-0001", key=key), 404, "not_found")
        self.assertNotIn("王建国", str(body))

    def test_a_number_with_slashes_is_found(self) -> None:
        self.push(work_order(source_ref="GD/2026/0001"))
        self.assertEqual(self.get("GD/2026/0001").json()["source_ref"], "GD/2026/0001")

    def test_an_unknown_number_is_404(self) -> None:
        self.assertEnvelope(self.get("nope"), 404, "not_found")

    def test_a_number_the_push_could_not_have_stored_is_422(self) -> None:
        for source_ref in ("GD%00", "G" * 65):
            with self.subTest(source_ref=source_ref):
                body = self.assertEnvelope(self.get(source_ref), 422, "invalid")
                self.assertEqual(list(body["extra"]["fields"]), ["source_ref"])


class OpenApiDocumentServedTests(BaseTestCase):
    def test_the_document_is_at_api_v1_openapi_json_with_the_push_endpoint(self) -> None:
        response = self.client.get("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        document = response.json()
        operation = document["paths"]["/api/v1/complaints"]["post"]
        self.assertEqual(operation["operationId"], "push_complaint")
        self.assertEqual({"201", "200", "400", "401", "422"} - set(operation["responses"]), set())
        self.assertIn("SystemKeyBearer", document["components"]["securitySchemes"])
        self.assertIn("SystemKeyHeader", document["components"]["securitySchemes"])
