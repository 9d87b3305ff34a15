import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from qingling.core.services import import_job_claim, import_job_run
from qingling.intake.models import Channel
from qingling.intake.services import source_system_create
from qingling.prevention.models import Warning
from qingling.prevention.tests.world import APRIL_10, MonitoringWorld, month_zip

MONTH_URL = "/api/v1/monitoring/months/2024-03"
ENVELOPE = {"message", "code", "extra"}


@time_machine.travel(APRIL_10, tick=False)
class MonitoringApiTests(MonitoringWorld):
    def setUp(self) -> None:
        super().setUp()
        self.system, self.key = source_system_create(
            name="省农民工工资支付监控预警平台", channel=Channel.MONITORING, actor=None
        )

    def push(self, key: str, url: str = MONTH_URL) -> object:
        upload = SimpleUploadedFile("m.zip", month_zip(self.files()), "application/zip")
        return self.client.post(url, {"file": upload}, headers={"Authorization": f"Bearer {key}"})

    def test_a_monitoring_system_sends_a_month_and_follows_its_job(self) -> None:
        response = self.push(self.key)
        self.assertEqual(response.status_code, 202)  # type: ignore[attr-defined]
        job_id = response.json()["id"]  # type: ignore[attr-defined]
        claimed = import_job_claim()
        assert claimed is not None
        import_job_run(job=claimed)
        answer = self.client.get(
            f"/api/v1/monitoring/jobs/{job_id}", headers={"X-API-Key": self.key}
        ).json()
        self.assertEqual(
            (answer["status"], answer["warnings_added"], answer["bad_rows"]), ("done", 4, 1)
        )
        self.assertEqual(answer["report"][0]["file"], "attendance.csv")
        self.assertEqual(Warning.objects.count(), 4)

    def test_refuses_another_channels_system_and_no_key(self) -> None:
        _hotline, key = source_system_create(
            name="12345热线", channel=Channel.HOTLINE_12345, actor=None
        )
        refused = self.push(key)
        self.assertEqual(refused.status_code, 403)  # type: ignore[attr-defined]
        self.assertEqual(set(refused.json()), ENVELOPE)  # type: ignore[attr-defined]
        self.assertEqual(self.push("wrong").status_code, 401)  # type: ignore[attr-defined]

    def test_refuses_a_month_that_is_not_one(self) -> None:
        response = self.push(self.key, "/api/v1/monitoring/months/2024-13")
        self.assertEqual(response.status_code, 422)  # type: ignore[attr-defined]

    def test_another_system_cannot_read_the_job(self) -> None:
        job_id = self.push(self.key).json()["id"]  # type: ignore[attr-defined]
        _other, key = source_system_create(name="另一平台", channel=Channel.MONITORING, actor=None)
        answer = self.client.get(f"/api/v1/monitoring/jobs/{job_id}", headers={"X-API-Key": key})
        self.assertEqual(answer.status_code, 404)
