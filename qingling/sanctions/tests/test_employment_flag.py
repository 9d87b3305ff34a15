"""The blacklist as a flag source of the return-to-work service (issue #6): a listed
employer, even with its case closed, cannot publish, is not on the board and is never
pushed."""

import time_machine
from django.test import override_settings
from django.urls import reverse

from qingling.cases.lifecycle import CaseStatus
from qingling.cases.selectors import organizations_with_open_case
from qingling.cases.services import case_transition
from qingling.cases.tests.steps import explain_claims
from qingling.core.exceptions import Conflict
from qingling.employment.models import Posting, Push, Seeker
from qingling.employment.services.postings import posting_transition
from qingling.employment.services.pushes import push_send
from qingling.employment.tests.world import EmploymentWorld, make_posting, make_seeker
from qingling.notify.gateways import DEFAULT_GATEWAYS
from qingling.parties.models import Organization
from qingling.sanctions.models import Listing
from qingling.sanctions.tests.world import (
    AFTER_DUE,
    THRESHOLDS,
    TODAY,
    make_listing,
    make_ordered_case,
)

GATEWAYS = {**DEFAULT_GATEWAYS, "wechat": "qingling.notify.gateways.WechatConsoleGateway"}


@THRESHOLDS
@override_settings(QINGLING_NOTIFY_GATEWAYS=GATEWAYS)
@time_machine.travel(AFTER_DUE, tick=False)
class ListedEmployerTests(EmploymentWorld):
    listed: Organization
    listing: Listing

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        case = make_ordered_case(cls, employer_name="辽源市失信建筑有限公司")
        cls.listing = make_listing(cls, case)
        explain_claims(cls, case)  # type: ignore[arg-type]
        case = case_transition(case=case, target=CaseStatus.CLOSING_REQUESTED, actor=cls.inspector)
        case_transition(
            case=case, target=CaseStatus.CLOSED, actor=cls.chief, outcome="arbitration_or_court"
        )
        cls.listed = case.respondent

    def test_the_case_is_closed_so_only_the_blacklist_flags_it(self) -> None:
        self.assertEqual(organizations_with_open_case({self.listed.pk}), {})

    def test_a_listed_employer_cannot_publish(self) -> None:
        draft = make_posting(self.listed, title="失信单位的钢筋工", status=Posting.Status.DRAFT)
        with self.assertRaises(Conflict) as caught:
            posting_transition(posting=draft, to=Posting.Status.PUBLISHED, actor=self.employment)
        self.assertEqual(caught.exception.code, "employer_flagged")
        self.assertIn(self.listing.number, caught.exception.message)
        draft.refresh_from_db()
        self.assertEqual(draft.status, Posting.Status.DRAFT)

    def test_a_listed_employer_is_not_on_the_job_board(self) -> None:
        posting = make_posting(self.listed, title="失信单位的瓦工", published_at=AFTER_DUE)
        make_posting(self.employer, title="守信单位的木工", published_at=AFTER_DUE)
        board = self.client.get(reverse("jobs:board"))
        self.assertContains(board, "守信单位的木工")
        self.assertNotContains(board, posting.title)
        detail = self.client.get(reverse("jobs:detail", args=[posting.public_id]))
        self.assertEqual(detail.status_code, 404)

    def test_a_listed_employer_is_never_pushed(self) -> None:
        make_posting(self.listed, title="失信单位的电工", pay_min=9000, pay_max=12000)
        Posting.objects.filter(title="失信单位的电工").update(published_at=AFTER_DUE)
        make_posting(self.employer, title="守信单位的钢筋工", published_at=AFTER_DUE)
        make_seeker(self.rng)
        make_seeker(self.rng, personalised=False)
        report = push_send(
            seekers=Seeker.objects.all(), today=TODAY, actor=self.employment, limit=5
        )
        self.assertEqual(report.sent, 2)
        for push in Push.objects.all():
            self.assertNotIn(self.listed.pk, {p.employer_id for p in push.postings.all()})
            self.assertNotIn("失信单位", push.message.payload["text"])
