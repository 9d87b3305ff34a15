import datetime as dt
from decimal import Decimal
from unittest import mock

import time_machine
from django.test import override_settings

from qingling.core.exceptions import InvalidInput
from qingling.core.models import AuditEvent
from qingling.core.personal_data import unseal
from qingling.employment.models import Posting, Push, Seeker
from qingling.employment.selectors.postings import seeker_profiles
from qingling.employment.selectors.pushes import push_address
from qingling.employment.selectors.seekers import seeker_stop_path
from qingling.employment.services import pushes
from qingling.employment.services.pushes import push_send, push_text
from qingling.employment.tests.world import EmploymentWorld, make_posting, make_seeker
from qingling.notify.gateways import DEFAULT_GATEWAYS
from qingling.notify.models import OutboxMessage
from qingling.testing import CURRENT_TIME, make_case

TODAY = dt.date(2026, 11, 27)
PUBLIC = "https://jobs.liaoyuan.example"
GATEWAYS = {**DEFAULT_GATEWAYS, "wechat": "qingling.notify.gateways.WechatConsoleGateway"}


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(QINGLING_NOTIFY_GATEWAYS=GATEWAYS, QINGLING_PUBLIC_URL=PUBLIC)
class PushSendTests(EmploymentWorld):
    rebar: Posting
    formwork: Posting
    far: Posting

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # Dalian jobs fit the default seeker (6-29, to 210200); the Shandong one does not.
        cls.rebar = make_posting(cls.employer, title="钢筋工", pay_min=6000, pay_max=8000)
        cls.formwork = make_posting(cls.employer, title="木工", pay_min=6500, pay_max=9000)
        cls.far = make_posting(cls.employer, title="电焊工", place="370200", occupation="6-28")

    def send(self, **kwargs) -> pushes.PushReport:
        kwargs.setdefault("seekers", Seeker.objects.all())
        return push_send(today=TODAY, actor=self.employment, **kwargs)

    def test_sends_a_text_with_the_best_jobs_to_a_consenting_worker(self) -> None:
        seeker = make_seeker(self.rng)
        report = self.send(limit=2)
        self.assertEqual((report.considered, report.sent, report.sent_general), (1, 1, 0))
        message = OutboxMessage.objects.get()
        self.assertEqual(message.gateway, "sms")
        self.assertEqual(message.dedupe_key, f"push:{seeker.pk}:2026-11-27")
        self.assertEqual(
            unseal(message.destination_sealed, purpose="phone"),
            unseal(seeker.person.phone_sealed, purpose="phone"),
        )
        push = Push.objects.get()
        self.assertEqual((push.seeker, push.message, push.sent_on), (seeker, message, TODAY))
        self.assertIs(push.personalised, True)
        self.assertEqual({p.title for p in push.postings.all()}, {"钢筋工", "木工"})
        text = message.payload["text"]
        self.assertIn("木工", text)
        self.assertIn("大连市", text)
        self.assertIn("6500", text)
        self.assertIn("9000", text)
        self.assertIn(f"{PUBLIC}/jobs/", text)
        self.assertNotIn("电焊工", text)
        self.assertTrue(AuditEvent.objects.filter(action="push.send", object_id=str(push.pk)))

    def test_sends_nothing_without_consent(self) -> None:
        make_seeker(self.rng, contact_consent=False)
        report = self.send()
        self.assertEqual((report.sent, report.skipped_no_consent), (0, 1))
        self.assertFalse(OutboxMessage.objects.exists())

    def test_sends_nothing_to_a_worker_who_opted_out(self) -> None:
        make_seeker(self.rng, opted_out_at=CURRENT_TIME - dt.timedelta(days=1))
        report = self.send()
        self.assertEqual((report.sent, report.skipped_opted_out), (0, 1))
        self.assertFalse(OutboxMessage.objects.exists())

    def test_skips_workers_who_stay_or_have_a_job(self) -> None:
        make_seeker(self.rng, going_out=False)
        make_seeker(self.rng, job_confirmed=True)
        report = self.send()
        self.assertEqual((report.sent, report.skipped_not_looking), (0, 2))

    def test_lists_a_worker_who_wants_phone_calls_for_a_call(self) -> None:
        seeker = make_seeker(self.rng, contact_channel="phone")
        report = self.send()
        self.assertEqual((report.sent, report.to_call), (0, [seeker.pk]))
        self.assertFalse(OutboxMessage.objects.exists())

    def test_a_worker_who_refused_personalisation_gets_the_newest_jobs(self) -> None:
        """PIPL Art. 24: the same general list for everyone, not chosen from the profile."""
        Posting.objects.filter(pk=self.rebar.pk).update(published_at=CURRENT_TIME)
        Posting.objects.filter(pk=self.far.pk).update(
            published_at=CURRENT_TIME - dt.timedelta(hours=1)
        )
        Posting.objects.filter(pk=self.formwork.pk).update(
            published_at=CURRENT_TIME - dt.timedelta(days=3)
        )
        # Nothing in the profile fits 电焊工 in 青岛, yet the general list has it.
        one = make_seeker(self.rng, personalised=False)
        two = make_seeker(self.rng, personalised=False, occupations=("2-02",), destinations=())
        with mock.patch(
            "qingling.employment.selectors.pushes.seeker_profiles", wraps=seeker_profiles
        ) as spy:
            report = self.send(limit=2)
        self.assertEqual((report.sent, report.sent_general), (2, 2))
        for seeker in (one, two):
            push = Push.objects.get(seeker=seeker)
            self.assertIs(push.personalised, False)
            self.assertEqual({p.title for p in push.postings.all()}, {"钢筋工", "电焊工"})
        # Their profiles were never read for matching.
        for call in spy.call_args_list:
            self.assertFalse(call.args[0].filter(pk__in=[one.pk, two.pk]).exists())

    @override_settings(LANGUAGE_CODE="en")
    def test_every_message_carries_the_workers_own_stop_link_which_works(self) -> None:
        make_seeker(self.rng)
        make_seeker(self.rng, personalised=False)
        make_seeker(self.rng, contact_channel="wechat", wechat_openid="oAbCdEfGh_123-xyz")
        make_seeker(
            self.rng, contact_channel="wechat", wechat_openid="oZyXwVuT_987", personalised=False
        )
        report = self.send()
        self.assertEqual(report.sent, 4)
        pushes_sent = list(Push.objects.select_related("seeker", "message"))
        self.assertEqual(len(pushes_sent), 4)
        links = set()
        for push in pushes_sent:
            payload = push.message.payload
            with self.subTest(push.message.gateway, seeker=push.seeker_id):
                link = PUBLIC + seeker_stop_path(push.seeker)
                self.assertEqual(
                    payload["text"].splitlines()[-1], f"To stop these messages: {link}"
                )
                # No "reply TD" promise (there is no inbound SMS); the signed token in
                # the link is random text and may itself contain the letters "TD".
                self.assertNotIn("TD", payload["text"].replace(link, ""))
                if push.message.gateway == "wechat":
                    self.assertEqual(
                        payload["fields"]["keyword3"], f"To stop these messages: {link}"
                    )
                    self.assertEqual(payload["url"], f"{PUBLIC}/jobs/")
                links.add(link)
                # Following it: the page asks (GET changes nothing), the button opts out.
                path = link.removeprefix(PUBLIC)
                self.assertEqual(self.client.get(path).status_code, 200)
                push.seeker.refresh_from_db()
                self.assertIsNone(push.seeker.opted_out_at)
                self.assertEqual(self.client.post(path).status_code, 200)
                push.seeker.refresh_from_db()
                self.assertIsNotNone(push.seeker.opted_out_at)
        self.assertEqual(len(links), 4)  # each worker's own
        self.assertEqual(Seeker.objects.filter(opted_out_at__isnull=True).count(), 0)
        self.assertEqual(self.send().skipped_opted_out, 4)

    @override_settings(LANGUAGE_CODE="en")
    def test_a_wechat_message_puts_what_wechat_shows_in_short_keywords(self) -> None:
        """WeChat hides first/remark and cuts keyword values to 20 characters."""
        Posting.objects.update(published_at=CURRENT_TIME - dt.timedelta(days=1))
        Posting.objects.filter(pk=self.rebar.pk).update(published_at=CURRENT_TIME)
        seeker = make_seeker(
            self.rng, contact_channel="wechat", wechat_openid="oAbCdEfGh_123", personalised=False
        )
        self.send(limit=2)
        payload = OutboxMessage.objects.get().payload
        fields = payload["fields"]
        self.assertEqual(set(fields), {"keyword1", "keyword2", "keyword3"})
        self.assertEqual(fields["keyword1"], "New jobs from the job centre:"[:19] + "…")
        self.assertEqual(len(fields["keyword2"]), pushes.WECHAT_KEYWORD_MAX)
        self.assertTrue(fields["keyword2"].startswith("钢筋工, 大连市, 6000–8000"))
        self.assertTrue(fields["keyword2"].endswith("…"))
        self.assertIn(seeker_stop_path(seeker), fields["keyword3"])
        self.assertEqual(payload["url"], f"{PUBLIC}/jobs/")
        self.assertIn("钢筋工, 大连市, 6000–8000 yuan a month", payload["text"])

    def test_sends_by_wechat_to_the_openid(self) -> None:
        make_seeker(self.rng, contact_channel="wechat", wechat_openid="oAbCdEfGh_123")
        make_seeker(self.rng, contact_channel="wechat", wechat_openid="")
        report = self.send()
        self.assertEqual((report.sent, report.skipped_no_address), (1, 1))
        message = OutboxMessage.objects.get()
        self.assertEqual((message.gateway, message.destination), ("wechat", "oAbCdEfGh_123"))
        self.assertEqual(message.destination_sealed, "")

    def test_never_pushes_the_jobs_of_an_employer_with_an_open_case(self) -> None:
        case = make_case(self, employer_name="辽源市欠薪建筑有限公司")
        make_posting(case.respondent, title="欠薪公司的瓦工", pay_min=9000, pay_max=12000)
        Posting.objects.filter(title="欠薪公司的瓦工").update(published_at=CURRENT_TIME)
        make_seeker(self.rng)
        make_seeker(self.rng, personalised=False)
        report = self.send(limit=5)
        self.assertEqual(report.sent, 2)
        for push in Push.objects.all():
            self.assertNotIn(case.respondent_id, {p.employer_id for p in push.postings.all()})
            self.assertNotIn("欠薪公司", push.message.payload["text"])

    def test_running_twice_a_day_sends_once(self) -> None:
        make_seeker(self.rng)
        make_seeker(self.rng, personalised=False)
        first = self.send()
        second = self.send()
        self.assertEqual((first.sent, second.sent, second.already_sent), (2, 0, 2))
        self.assertEqual(OutboxMessage.objects.count(), 2)
        self.assertEqual(Push.objects.count(), 2)

    def test_a_run_that_loses_the_race_records_no_second_push(self) -> None:
        seeker = make_seeker(self.rng)
        postings = [self.rebar]
        address = push_address(seeker)
        assert address is not None
        for expected in (True, False):
            sent = pushes._push_one(
                seeker=seeker,
                address=address,
                postings=postings,
                personalised=True,
                today=TODAY,
                actor=None,
            )
            self.assertIs(sent, expected)
        self.assertEqual((Push.objects.count(), OutboxMessage.objects.count()), (1, 1))

    def test_sends_again_the_next_day(self) -> None:
        make_seeker(self.rng)
        self.send()
        report = push_send(
            seekers=Seeker.objects.all(), today=TODAY + dt.timedelta(days=1), actor=None
        )
        self.assertEqual(report.sent, 1)
        self.assertEqual(OutboxMessage.objects.count(), 2)

    def test_counts_a_worker_with_nothing_to_offer(self) -> None:
        make_seeker(self.rng, occupations=("2-02",), destinations=("110000",))
        report = self.send()
        self.assertEqual((report.sent, report.skipped_nothing_to_offer), (0, 1))

    def test_reports_progress_in_rounds(self) -> None:
        for _ in range(5):
            make_seeker(self.rng)
        calls: list[tuple[int, int]] = []
        with mock.patch.object(pushes, "CHUNK", 2):
            report = self.send(progress=lambda done, total: calls.append((done, total)))
        self.assertEqual(calls, [(2, 5), (4, 5), (5, 5)])
        self.assertEqual(report.sent, 5)

    def test_refuses_a_limit_outside_one_to_five(self) -> None:
        for limit in (0, 6):
            with self.subTest(limit), self.assertRaises(InvalidInput):
                self.send(limit=limit)


class PushTextTests(EmploymentWorld):
    @override_settings(QINGLING_PUBLIC_URL="https://jobs.example/")
    def test_names_title_place_and_pay_and_ends_with_the_opt_out(self) -> None:
        posting = make_posting(
            self.employer, title="钢筋工", pay_min=Decimal(6000), pay_max=Decimal("8000.50")
        )
        seeker = make_seeker(self.rng)
        parts = push_text(seeker=seeker, postings=[posting], personalised=True)
        lines = parts["text"].splitlines()
        self.assertIn("钢筋工", lines[1])
        self.assertIn("大连市", lines[1])
        self.assertIn("6000", lines[1])
        self.assertIn("8000.50", lines[1])
        self.assertIn("https://jobs.example/jobs/", lines[-2])
        self.assertIn("https://jobs.example" + seeker_stop_path(seeker), lines[-1])
        self.assertEqual(parts["stop"], lines[-1])
