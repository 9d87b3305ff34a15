import datetime as dt

import time_machine
from django.test import override_settings

from qingling.employment.models import Seeker
from qingling.employment.selectors.pushes import push_preview, push_reason
from qingling.employment.selectors.seekers import seekers_for_user
from qingling.employment.services.pushes import push_send
from qingling.employment.tests.world import EmploymentWorld, make_posting, make_seeker
from qingling.notify.gateways import DEFAULT_GATEWAYS
from qingling.parties.models import Person
from qingling.testing import CURRENT_TIME

TODAY = dt.date(2026, 11, 27)
GATEWAYS = {**DEFAULT_GATEWAYS, "wechat": "qingling.notify.gateways.WechatConsoleGateway"}


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(QINGLING_NOTIFY_GATEWAYS=GATEWAYS, QINGLING_PUBLIC_URL="https://jobs.example")
class PushPreviewTests(EmploymentWorld):
    def make_everyone(self) -> None:
        make_seeker(self.rng)
        make_seeker(self.rng, contact_channel="wechat", wechat_openid="oAbcdefgh123")
        make_seeker(self.rng, contact_consent=False)
        make_seeker(self.rng, opted_out_at=CURRENT_TIME)
        make_seeker(self.rng, contact_channel="phone")
        make_seeker(self.rng, job_confirmed=True)
        make_seeker(self.rng, going_out=False, contact_consent=False)
        make_seeker(self.rng, contact_channel="wechat", wechat_openid="")
        no_phone = make_seeker(self.rng)
        Person.objects.filter(pk=no_phone.person_id).update(phone_sealed="")

    def test_counts_who_would_get_a_message(self) -> None:
        make_posting(self.employer)
        self.make_everyone()
        preview = push_preview(seekers=seekers_for_user(user=self.employment), today=TODAY)
        self.assertEqual(
            (
                preview.total,
                preview.to_send,
                preview.no_consent,
                preview.opted_out,
                preview.by_phone,
                preview.not_looking,
                preview.no_address,
                preview.already_sent,
            ),
            (9, 2, 1, 1, 1, 2, 2, 0),
        )

    def test_the_preview_counts_what_the_push_then_does(self) -> None:
        """One rule: the preview's counts are the push's report, worker for worker."""
        make_posting(self.employer)
        self.make_everyone()
        seekers = Seeker.objects.all()
        before = push_preview(seekers=seekers, today=TODAY)
        report = push_send(seekers=seekers, today=TODAY, actor=None)
        self.assertEqual(
            (
                before.to_send,
                before.no_consent,
                before.opted_out,
                before.by_phone,
                before.not_looking,
                before.no_address,
                before.nothing_to_offer,
            ),
            (
                report.sent,
                report.skipped_no_consent,
                report.skipped_opted_out,
                len(report.to_call),
                report.skipped_not_looking,
                report.skipped_no_address,
                report.skipped_nothing_to_offer,
            ),
        )
        after = push_preview(seekers=seekers, today=TODAY)
        self.assertEqual((after.to_send, after.already_sent), (0, report.sent))
        again = push_send(seekers=seekers, today=TODAY, actor=None)
        self.assertEqual((again.sent, again.already_sent), (0, report.sent))

    def test_the_preview_counts_workers_no_posting_suits(self) -> None:
        make_posting(self.employer)  # 钢筋工 in 大连
        make_seeker(self.rng)
        for _ in range(20):  # 20 of 21 want work no live posting offers
            make_seeker(self.rng, occupations=("2-01",), destinations=("110000",))
        preview = push_preview(seekers=Seeker.objects.all(), today=TODAY)
        self.assertEqual((preview.to_send, preview.nothing_to_offer), (1, 20))
        report = push_send(seekers=Seeker.objects.all(), today=TODAY, actor=None)
        self.assertEqual((report.sent, report.skipped_nothing_to_offer), (1, 20))

    def test_the_first_rule_a_worker_matches_names_the_reason(self) -> None:
        # Opted out and without consent: counted once, as opted out.
        seeker = make_seeker(self.rng, opted_out_at=CURRENT_TIME, contact_consent=False)
        annotated = Seeker.objects.annotate(push_reason=push_reason(today=TODAY)).get()
        self.assertEqual((annotated.pk, annotated.push_reason), (seeker.pk, "skipped_opted_out"))
