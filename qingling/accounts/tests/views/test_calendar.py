from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from qingling.core.models import AuditEvent, CalendarDay, CalendarYear
from qingling.testing import BaseTestCase

SCHEDULE_2099 = """# 2099, invented for the test
holiday 2099-01-01..2099-01-03 元旦
workday 2099-01-04 元旦调休
"""


@override_settings(LANGUAGE_CODE="en")
class CalendarViewTests(BaseTestCase):
    url = reverse("accounts:calendar")

    def _upload(self, text: str, *, year: int = 2099) -> Any:
        return self.client.post(
            self.url,
            {
                "year": year,
                "source": "国办发明电〔2098〕1号",
                "file": SimpleUploadedFile("2099.txt", text.encode()),
            },
        )

    def test_computes_working_days_across_the_spring_festival(self) -> None:
        self.client.force_login(self.inspector)
        response = self.client.get(self.url, {"start": "2021-02-08", "days": "5"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["result"].date.isoformat(), "2021-02-20")
        self.assertIs(response.context["result"].provisional, False)
        self.assertContains(response, "2021-02-20")

    def test_shows_no_result_without_a_query(self) -> None:
        self.client.force_login(self.intake)
        response = self.client.get(self.url)
        self.assertIsNone(response.context["result"])
        self.assertIs(response.context["can_manage"], False)

    def test_refuses_an_account_without_a_role(self) -> None:
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_refuses_an_import_by_a_role_other_than_administrator(self) -> None:
        self.client.force_login(self.chief)
        response = self._upload(SCHEDULE_2099)
        self.assertEqual(response.status_code, 403)
        self.assertIs(CalendarYear.objects.filter(year=2099).exists(), False)

    def test_administrator_imports_a_schedule_and_it_is_audited(self) -> None:
        self.client.force_login(self.admin)
        response = self._upload(SCHEDULE_2099)
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        year = CalendarYear.objects.get(year=2099)
        self.assertEqual(year.source, "国办发明电〔2098〕1号")
        self.assertEqual(CalendarDay.objects.filter(year=year).count(), 4)
        event = AuditEvent.objects.get(action="calendar_year.load", object_id="2099")
        self.assertEqual(event.actor, self.admin)
        self.assertEqual(
            event.after, {"source": "国办发明电〔2098〕1号", "days": 4, "deadlines_recomputed": 0}
        )

    def test_shows_which_line_of_a_bad_file_is_wrong(self) -> None:
        self.client.force_login(self.admin)
        response = self._upload("holiday 2099-01-01\nholiday 2099-13-01\n")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["upload"].errors["file"],
            ["line 2: '2099-13-01' is not a date YYYY-MM-DD"],
        )
        self.assertIs(CalendarYear.objects.filter(year=2099).exists(), False)

    def test_refuses_a_file_that_is_not_utf8(self) -> None:
        self.client.force_login(self.admin)
        response = self.client.post(
            self.url,
            {
                "year": 2099,
                "file": SimpleUploadedFile("2099.txt", "holiday 2099-01-01 元旦".encode("gbk")),
            },
        )
        self.assertContains(response, "The file must be UTF-8 text.")
        self.assertIs(CalendarYear.objects.filter(year=2099).exists(), False)
