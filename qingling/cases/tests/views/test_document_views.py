import io
import zipfile
from typing import Any

import time_machine
from django.test import override_settings
from django.urls import reverse

from qingling.cases.documents import document_generate
from qingling.cases.models import Case, Document
from qingling.cases.tests.documents_world import (
    INFORMANT,
    WORKER_PHONE,
    build_world,
    docx_text,
    use_temporary_media,
)
from qingling.cases.tests.steps import ORDER_UNSERVED, advance
from qingling.core.models import AuditEvent
from qingling.testing import CURRENT_TIME, BaseTestCase

Kind = Document.Kind


@time_machine.travel(CURRENT_TIME, tick=False)
def refused_errors(response: Any) -> list[str]:
    """The errors of a form the case page shows again (refused), beside its fields."""
    refused = response.context.get("refused") if response.context else None
    if refused is None:
        return []
    return [str(e) for errors in refused.errors.values() for e in errors]


@override_settings(LANGUAGE_CODE="en")  # the tests read the English messages
class DocumentViewTests(BaseTestCase):
    def setUp(self) -> None:
        use_temporary_media(self)
        self.case = advance(self, build_world(self).case, ORDER_UNSERVED)

    def generate_url(self, case: Case | None = None) -> str:
        return reverse("cases:document_generate", args=[(case or self.case).public_id])

    def post(self, kind: str = Kind.ORDER, **fields: str) -> int:
        data = {"kind": kind, **{f"{kind}-{name}": value for name, value in fields.items()}}
        return self.client.post(self.generate_url(), data).status_code

    def test_an_inspector_of_the_case_generates_a_document(self) -> None:
        self.login(self.inspector)
        response = self.client.post(
            self.generate_url(), {"kind": Kind.ORDER, "order-facts": "经查，拖欠三个月工资。"}
        )
        self.assertRedirects(
            response,
            reverse("cases:case_detail", args=[self.case.public_id]),
            fetch_redirect_response=False,
        )
        document = self.case.documents.get()
        with document.file.open("rb") as stored:
            self.assertIn("经查，拖欠三个月工资。", docx_text(stored.read()))

    def test_a_chief_generates_too(self) -> None:
        self.login(self.chief)
        self.assertEqual(self.post(Kind.CLOSING_APPROVAL), 302)
        self.assertEqual(self.case.documents.get().generated_by, self.chief)

    def test_who_may_not_generate(self) -> None:
        for persona, status in (
            (self.intake, 403),  # sees the case, may not work on it
            (self.employment, 403),
            (self.outsider, 403),
            (self.director, 403),  # approves, does not write documents
            (self.xian, 404),  # another county's inspector: the case does not exist for him
        ):
            with self.subTest(persona=persona.username):
                self.login(persona)
                self.assertEqual(self.post(), status)
        self.assertFalse(Document.objects.exists())

    def test_an_inspector_not_on_the_case_may_not_generate(self) -> None:
        other = build_world(self, co_inspector=False).case  # inspector2 is not on it
        self.login(self.inspector2)
        response = self.client.post(self.generate_url(other), {"kind": Kind.OPENING_APPROVAL})
        self.assertEqual(response.status_code, 403)

    def test_a_refusal_is_shown_and_nothing_is_stored(self) -> None:
        self.login(self.inspector)
        response = self.client.post(
            self.generate_url(),
            {"kind": Kind.ORDER, "order-facts": f"{INFORMANT}举报"},
            follow=True,
        )
        self.assertContains(response, "Art. 9", status_code=422)  # beside the form, kept
        self.assertContains(response, f"{INFORMANT}举报", status_code=422)
        self.assertFalse(Document.objects.exists())
        self.assertEqual(self.post("no_such_kind"), 422)
        self.assertFalse(Document.objects.exists())

    def test_get_is_not_allowed_on_generate(self) -> None:
        self.login(self.inspector)
        self.assertEqual(self.client.get(self.generate_url()).status_code, 405)

    def test_download_is_an_attachment_not_stored_by_caches(self) -> None:
        document = document_generate(case=self.case, kind=Kind.ORDER, actor=self.inspector)
        url = reverse("cases:document_download", args=[self.case.public_id, document.public_id])
        self.login(self.intake)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Disposition"].startswith("attachment"))
        self.assertIn("no-store", response["Cache-Control"])
        with document.file.open("rb") as stored:
            self.assertEqual(b"".join(response.streaming_content), stored.read())  # type: ignore[attr-defined]
        for persona, status in ((self.xian, 404), (self.outsider, 403), (self.employment, 403)):
            with self.subTest(persona=persona.username):
                self.login(persona)
                self.assertEqual(self.client.get(url).status_code, status)

    def test_a_document_of_another_case_is_not_found_through_this_one(self) -> None:
        other = build_world(self).case
        document = document_generate(
            case=other, kind=Kind.OPENING_APPROVAL, actor=self.inspector, extra={"facts": "属实"}
        )
        self.login(self.inspector)
        url = reverse("cases:document_download", args=[self.case.public_id, document.public_id])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_archive_downloads_masked_and_audited(self) -> None:
        document_generate(case=self.case, kind=Kind.ORDER, actor=self.inspector)
        url = reverse("cases:case_archive", args=[self.case.public_id])
        self.login(self.intake)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/zip")
        self.assertIn("no-store", response["Cache-Control"])
        data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.assertIn("case.json", archive.namelist())
            self.assertNotIn(WORKER_PHONE, archive.read("timeline.csv").decode("utf-8-sig"))
        event = AuditEvent.objects.get(action="case.archive_download")
        self.assertEqual(event.actor, self.intake)
        for persona, status in ((self.xian, 404), (self.outsider, 403), (self.employment, 403)):
            with self.subTest(persona=persona.username):
                self.login(persona)
                self.assertEqual(self.client.get(url).status_code, status)
        self.assertEqual(AuditEvent.objects.filter(action="case.archive_download").count(), 1)

    def test_the_case_page_lists_the_documents_and_offers_generation_to_its_inspectors(
        self,
    ) -> None:
        document = document_generate(case=self.case, kind=Kind.ORDER, actor=self.inspector)
        detail = reverse("cases:case_detail", args=[self.case.public_id])
        self.login(self.inspector)
        response = self.client.get(detail)
        self.assertContains(response, document.number)
        self.assertContains(
            response,
            reverse("cases:document_download", args=[self.case.public_id, document.public_id]),
        )
        self.assertContains(response, 'data-document-form="order"')
        self.assertContains(response, reverse("cases:case_archive", args=[self.case.public_id]))
        self.login(self.intake)
        response = self.client.get(detail)
        self.assertContains(response, document.number)
        self.assertNotContains(response, "data-document-form=")


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")  # the tests read the English messages
class DocumentServiceViewTests(BaseTestCase):
    def setUp(self) -> None:
        use_temporary_media(self)
        self.case = advance(self, build_world(self).case, ORDER_UNSERVED)
        self.order = document_generate(case=self.case, kind=Kind.ORDER, actor=self.inspector)
        self.detail = reverse("cases:case_detail", args=[self.case.public_id])
        self.login(self.inspector)

    def serve(self, method: str, **fields: str) -> list[str]:
        url = reverse("cases:document_serve", args=[self.case.public_id, self.order.public_id])
        prefix = f"serve-{self.order.pk}"
        data = {"method": method, **{f"{prefix}-{k}": v for k, v in fields.items()}}
        response = self.client.post(url, data, follow=True)
        return [str(m) for m in response.context["messages"]] + refused_errors(response)

    def test_the_page_shows_the_fields_of_the_method_chosen(self) -> None:
        page = self.client.get(self.detail)
        self.assertContains(page, 'data-state="unserved"')
        self.assertContains(page, "Its due date is not running until the order is served.")
        self.assertContains(page, "data-autosubmit")
        self.assertNotContains(page, f"serve-{self.order.pk}-tracking_number")
        page = self.client.get(self.detail, {"serve": str(self.order.public_id), "method": "post"})
        self.assertContains(page, f"serve-{self.order.pk}-tracking_number")
        self.assertNotContains(page, f"serve-{self.order.pk}-witnesses")

    def test_serves_with_the_method_and_shows_the_due_date_from_service(self) -> None:
        flashes = self.serve("left", served_on="2026-11-27", recipient_name="李经理")
        self.assertTrue(any("witness" in m for m in flashes), flashes)
        flashes = self.serve(
            "left", served_on="2026-11-27", recipient_name="李经理", witnesses="村委会王主任"
        )
        self.assertTrue(any("served" in m for m in flashes), flashes)
        page = self.client.get(self.detail)
        self.assertContains(page, 'data-state="served"')
        self.assertContains(page, "pay by 2026-12-11")

    def test_voids_with_a_reason_and_shows_it_struck_through(self) -> None:
        url = reverse("cases:document_void", args=[self.case.public_id, self.order.public_id])
        refused = self.client.post(url, {f"void-{self.order.pk}-reason": "金额有误"})
        self.assertEqual(refused.status_code, 422)  # not without the tick that confirms it
        self.assertContains(refused, "Tick this box to confirm", status_code=422)
        self.assertContains(refused, "金额有误", status_code=422)
        self.client.post(
            url, {f"void-{self.order.pk}-reason": "金额有误", f"void-{self.order.pk}-confirm": "on"}
        )
        page = self.client.get(self.detail)
        self.assertContains(page, 'class="voided"')
        self.assertContains(page, "金额有误")
        self.assertContains(page, self.order.number)
        self.assertNotContains(page, f"serve-{self.order.pk}-served_on")  # no longer served
        response = self.client.post(
            url, {f"void-{self.order.pk}-reason": "again", f"void-{self.order.pk}-confirm": "on"}
        )
        self.assertTrue(any("voided already" in m for m in refused_errors(response)))

    def test_writes_the_facts_for_the_respondent(self) -> None:
        url = reverse("cases:case_act", args=[self.case.public_id, "facts"])
        self.client.post(url, {"facts-text": "经查，你单位拖欠工资。"})
        self.case.refresh_from_db()
        self.assertEqual(self.case.facts_for_respondent, "经查，你单位拖欠工资。")
