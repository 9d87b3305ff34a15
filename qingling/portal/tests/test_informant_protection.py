"""监察条例 Art. 9: no complainant's name, mobile, ID number or complaint text reaches the
portal, on any page or in any download it has."""

from decimal import Decimal

import time_machine
from django.test import override_settings

from qingling.core import clock
from qingling.portal import services
from qingling.portal.models import ElectronicDelivery
from qingling.portal.tests.walking import (
    pattern_paths,
    portal_patterns,
    readable_text,
    response_bytes,
)
from qingling.portal.tests.world import (
    ANONYMOUS_PHONE,
    COMPLAINANT,
    COMPLAINANT_PHONE,
    COMPLAINT_TEXT,
    NAMED_WORKER,
    NAMED_WORKER_PHONE,
    WORKER,
    build_world,
    pdf_file,
)
from qingling.testing import CURRENT_TIME, BaseTestCase


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(CURRENT_TIME, tick=False)
class InformantProtectionTests(BaseTestCase):
    def setUp(self) -> None:
        self.world = build_world(self)
        w = self.world
        delivery = services.delivery_send(document=w.order, actor=self.inspector)
        services.delivery_confirm(delivery=delivery, account=w.account, actor=w.account.user)
        services.payment_proof_submit(
            account=w.account,
            case=w.case,
            amount=Decimal("8000.00"),
            paid_on=clock.local_today(),
            files=[pdf_file()],
            actor=w.account.user,
        )
        services.payment_proof_submit(
            account=w.account,
            warning=w.warning,
            amount=Decimal("500.00"),
            paid_on=clock.local_today(),
            files=[pdf_file()],
            actor=w.account.user,
        )
        self.secrets = [
            COMPLAINANT,
            COMPLAINANT_PHONE,
            ANONYMOUS_PHONE,
            w.complainant_id,
            NAMED_WORKER,
            NAMED_WORKER_PHONE,
            "拖欠我半年工资",
            *(COMPLAINT_TEXT[i : i + 8] for i in range(0, len(COMPLAINT_TEXT) - 8, 4)),
        ]
        from qingling.parties.models import Person

        for person in Person.objects.filter(name__in=[COMPLAINANT, NAMED_WORKER]):
            self.secrets += [person.phone_masked, person.id_number_masked]
        self.secrets = [s for s in self.secrets if s]

    def _values(self) -> dict[str, list[object]]:
        w = self.world
        link = services.employer_password_link(account=w.account).rstrip("/").split("/")
        return {
            "public_id": [w.order.public_id, w.named_order.public_id],
            "project_detail:public_id": [w.project.public_id],
            "case_detail:public_id": [w.case.public_id, w.named_case.public_id],
            "warning_detail:public_id": [w.warning.public_id],
            "staff_case:public_id": [w.case.public_id, w.named_case.public_id],
            "staff_warning:public_id": [w.warning.public_id],
            "staff_organization:public_id": [w.employer.public_id],
            "staff_proof_file:public_id": [
                f.public_id for p in w.case.payment_proofs.all() for f in p.files.all()
            ],
            "fmt": ["docx", "pdf"],
            "uidb64": [link[-2]],
            "token": [link[-1]],
        }

    def _assert_clean(self, path: str, response: object) -> None:
        text = readable_text(response_bytes(response))
        for secret in self.secrets:
            self.assertNotIn(secret, text, f"{path} shows {secret!r}")

    def test_no_portal_page_or_download_names_or_quotes_a_complainant(self) -> None:
        self.client.force_login(self.world.account.user)
        values = self._values()
        walked = 0
        for pattern in portal_patterns():
            for path in pattern_paths(pattern, values):
                response = self.client.get(path)
                self.assertLess(response.status_code, 500, path)
                self._assert_clean(path, response)
                walked += 1
        self.assertGreaterEqual(walked, len(portal_patterns()))

    def test_the_served_order_downloads_and_names_only_the_worker_owed(self) -> None:
        self.client.force_login(self.world.account.user)
        for fmt in ("docx", "pdf"):
            response = self.client.get(
                f"/portal/documents/{self.world.order.public_id}/download.{fmt}"
            )
            self.assertEqual(response.status_code, 200)
            text = readable_text(response_bytes(response))
            self.assertIn(WORKER, text)
            self._assert_clean(fmt, response)

    def test_an_order_that_lists_a_worker_who_complained_never_reaches_the_portal(self) -> None:
        from qingling.core.exceptions import Conflict

        with self.assertRaises(Conflict) as raised:
            services.delivery_send(document=self.world.named_order, actor=self.inspector)
        self.assertEqual(raised.exception.code, "complainant_in_document")
        self.assertFalse(ElectronicDelivery.objects.filter(document=self.world.named_order))

    def test_the_pages_after_a_roster_upload_name_no_complainant(self) -> None:
        from qingling.portal.tests.test_uploads import roster_xlsx

        self.client.force_login(self.world.account.user)
        response = self.client.post(
            "/portal/uploads/",
            {
                "kind": "roster",
                "roster-project": str(self.world.project.public_id),
                "roster-file": roster_xlsx([("王五", "bad-id")]),
            },
        )
        self.assertEqual(response.status_code, 200)
        self._assert_clean("uploads", response)
