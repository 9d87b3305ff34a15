import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from qingling.cases.documents import document_generate
from qingling.cases.models import Document
from qingling.portal import services
from qingling.portal.tests.world import build_world
from qingling.prevention.models import Warning
from qingling.testing import CURRENT_TIME, BaseTestCase

LISTS = (
    "/portal/",
    "/portal/projects/",
    "/portal/cases/",
    "/portal/orders/",
    "/portal/warnings/",
    "/portal/documents/",
)


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(CURRENT_TIME, tick=False)
class PortalListTests(BaseTestCase):
    def setUp(self) -> None:
        self.world = build_world(self)
        services.delivery_send(document=self.world.order, actor=self.inspector)

    def _counts(self) -> dict[str, int]:
        counts = {}
        for path in LISTS:
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(path).status_code, 200, path)
            counts[path] = len(queries.captured_queries)
        return counts

    def test_the_lists_make_the_same_number_of_queries_for_more_records(self) -> None:
        self.client.force_login(self.world.account.user)
        few = self._counts()
        w = self.world
        for month in ("2026-07", "2026-08", "2026-09"):
            Warning.objects.create(
                rule="NOT_ON_ROSTER",
                level="yellow",
                month=month,
                project_code="P1",
                project=w.project,
                acknowledge_due=w.warning.acknowledge_due,
            )
        for _ in range(2):
            inquiry = document_generate(
                case=w.case,
                kind=Document.Kind.INQUIRY_NOTICE,
                actor=self.inspector,
                extra={"inquiry_time": "2026年12月1日上午9时", "inquiry_place": "龙山区人社局"},
            )
            services.delivery_send(document=inquiry, actor=self.inspector)
        self.assertEqual(self._counts(), few)

    def test_the_organization_page_shows_its_portal_account_and_agreement(self) -> None:
        self.client.force_login(self.chief)
        page = self.client.get(f"/parties/organizations/{self.world.employer.public_id}/")
        self.assertContains(page, "Employer portal")
        self.assertContains(page, self.world.account.credit_code)
        self.assertContains(page, "张总经理")
