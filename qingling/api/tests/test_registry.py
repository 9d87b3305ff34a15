"""Registry files pushed by a system with its own key: one endpoint per kind, per project."""

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from qingling.intake.models import Channel
from qingling.intake.services import source_system_create
from qingling.prevention.models import Attendance
from qingling.prevention.tests.registry.world import RegistryWorld, csv_bytes
from qingling.testing import CURRENT_TIME

ENVELOPE = {"message", "code", "extra"}


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class RegistryApiTests(RegistryWorld):
    def setUp(self) -> None:
        super().setUp()
        self.system, self.key = source_system_create(
            name="吉林省建筑工人实名制平台", channel=Channel.MONITORING, actor=None
        )

    def push(self, key: str, url: str, content: bytes) -> object:
        upload = SimpleUploadedFile("attendance.csv", content, "text/csv")
        return self.client.post(url, {"file": upload}, headers={"X-API-Key": key})

    def test_a_system_sends_attendance_and_hears_of_each_bad_row(self) -> None:
        content = csv_bytes(
            "project_code,worker_id,day",
            f"LY-001,{self.worker_ids[0]},2026-11-02",
            f"LY-001,{self.worker_ids[3]},2026-11-02",
            "LY-001,110101199003071234,2026-11-31",
        )
        response = self.push(self.key, "/api/v1/registry/projects/LY-001/attendance", content)
        self.assertEqual(response.status_code, 200)  # type: ignore[attr-defined]
        answer = response.json()  # type: ignore[attr-defined]
        self.assertEqual((answer["created"], answer["bad_rows"]), (1, 2))
        self.assertEqual([row["line"] for row in answer["report"]][:1], [3])
        self.assertIn("roster", answer["report"][0]["reason"])
        self.assertEqual(Attendance.objects.count(), 1)
        again = self.push(self.key, "/api/v1/registry/projects/LY-001/attendance", content)
        self.assertEqual(again.json()["already_on_file"], 1)  # type: ignore[attr-defined]

    def test_refuses_an_unknown_project_another_channel_and_no_key(self) -> None:
        content = csv_bytes("project_code,worker_id,day")
        unknown = self.push(self.key, "/api/v1/registry/projects/NOPE/attendance", content)
        self.assertEqual(unknown.status_code, 404)  # type: ignore[attr-defined]
        self.assertEqual(set(unknown.json()), ENVELOPE)  # type: ignore[attr-defined]
        _hotline, key = source_system_create(
            name="12345热线", channel=Channel.HOTLINE_12345, actor=None
        )
        url = "/api/v1/registry/projects/LY-001/payroll"
        self.assertEqual(self.push(key, url, content).status_code, 403)  # type: ignore[attr-defined]
        self.assertEqual(self.push("wrong", url, content).status_code, 401)  # type: ignore[attr-defined]

    def test_a_file_without_a_required_column_is_refused_whole(self) -> None:
        content = csv_bytes("project_code,worker_id", f"LY-001,{self.worker_ids[0]}")
        response = self.push(self.key, "/api/v1/registry/projects/LY-001/payroll", content)
        self.assertEqual(response.status_code, 400)  # type: ignore[attr-defined]
        self.assertIn("wage_month", response.json()["message"])  # type: ignore[attr-defined]
