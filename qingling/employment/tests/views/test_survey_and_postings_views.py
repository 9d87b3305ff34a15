import datetime as dt
import io

import time_machine
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook

from qingling.accounts.services import org_unit_create
from qingling.employment.models import Introduction, Posting, Seeker
from qingling.employment.tests.world import EmploymentWorld, make_officer, make_posting, make_seeker
from qingling.notify.models import OutboxMessage
from qingling.parties.demo import fake_id_number, fake_mobile
from qingling.testing import CURRENT_TIME, make_case


def sent_code() -> str:
    """The one-time code of the latest text message (what the worker reads on the phone)."""
    message = OutboxMessage.objects.filter(payload__template="phone_code").latest("id")
    return str(message.payload["code"])


@time_machine.travel(CURRENT_TIME, tick=False)
class StaffPagesTests(EmploymentWorld):
    def setUp(self) -> None:
        super().setUp()
        self.seeker = make_seeker(self.rng)
        self.posting = make_posting(self.employer, published_at=CURRENT_TIME)

    def test_who_may_see_the_pages(self) -> None:
        urls = [
            reverse("employment:home"),
            reverse("employment:seeker_list"),
            reverse("employment:posting_list"),
            reverse("employment:daily_report"),
            reverse("employment:seeker_detail", args=[self.seeker.public_id]),
            reverse("employment:posting_detail", args=[self.posting.public_id]),
        ]
        for persona, status in (
            ("employment", 200),
            ("director", 200),
            ("inspector", 403),
            ("outsider", 403),
        ):
            self.login(getattr(self, persona))
            for url in urls:
                with self.subTest(persona=persona, url=url):
                    self.assertEqual(self.client.get(url).status_code, status)
        self.login(self.director)
        self.assertEqual(self.client.get(reverse("employment:seeker_new")).status_code, 403)

    def test_the_worker_page_recommends_with_reasons_and_introduces(self) -> None:
        self.login(self.employment)
        page = self.client.get(reverse("employment:seeker_detail", args=[self.seeker.public_id]))
        self.assertContains(page, self.posting.title)
        self.assertContains(page, "6-29")  # the reason names the kind of work matched
        response = self.client.post(
            reverse("employment:introduce", args=[self.seeker.public_id]),
            {"posting": str(self.posting.public_id)},
        )
        self.assertEqual(response.status_code, 302)
        introduction = Introduction.objects.get()
        self.assertGreater(introduction.score, 0)
        self.client.post(
            reverse("employment:introduction_decide", args=[introduction.pk]), {"to": "hired"}
        )
        self.seeker.refresh_from_db()
        self.assertTrue(self.seeker.job_confirmed)
        self.assertEqual(self.seeker.confirmed_destination_id, "210200")

    def test_a_flagged_employer_is_shown_and_never_recommended(self) -> None:
        case = make_case(self)
        flagged = make_posting(case.respondent, title="欠薪单位的岗位", published_at=CURRENT_TIME)
        self.login(self.employment)
        listing = self.client.get(reverse("employment:posting_list"))
        self.assertContains(listing, case.number)
        page = self.client.get(reverse("employment:seeker_detail", args=[self.seeker.public_id]))
        self.assertNotContains(page, flagged.title)
        detail = self.client.get(reverse("employment:posting_detail", args=[flagged.public_id]))
        self.assertContains(detail, case.number)
        self.assertEqual(detail.context["candidates"], [])

    def test_a_county_officer_sees_only_the_countys_workers(self) -> None:
        unit = org_unit_create(name="西安区就业服务中心", division=self.xian_division, actor=None)
        officer = make_officer("xian_employment", unit=unit, full_name="西安区专员")
        own = make_seeker(self.rng, name="西安区工人", division_code="220403")
        self.login(officer)
        listing = self.client.get(reverse("employment:seeker_list"))
        self.assertContains(listing, own.person.name)
        self.assertNotContains(listing, self.seeker.person.name)
        other = reverse("employment:seeker_detail", args=[self.seeker.public_id])
        self.assertEqual(self.client.get(other).status_code, 404)

    def test_a_worker_without_consent_is_not_introduced(self) -> None:
        shy = make_seeker(self.rng, name="不愿联系", contact_consent=False)
        self.login(self.employment)
        self.client.post(
            reverse("employment:introduce", args=[shy.public_id]),
            {"posting": str(self.posting.public_id)},
        )
        self.assertFalse(Introduction.objects.exists())
        bad = self.client.post(
            reverse("employment:introduce", args=[shy.public_id]), {"posting": "nonsense"}
        )
        self.assertEqual(bad.status_code, 404)

    def test_an_expired_posting_is_renewed_as_a_draft(self) -> None:
        self.posting.status = Posting.Status.EXPIRED
        self.posting.save()
        self.login(self.employment)
        self.client.post(
            reverse("employment:posting_renew", args=[self.posting.public_id]),
            {"expires_on": "2027-04-30"},
        )
        self.posting.refresh_from_db()
        self.assertEqual(
            (self.posting.status, self.posting.expires_on), ("draft", dt.date(2027, 4, 30))
        )

    def test_the_posting_list_runs_a_fixed_number_of_queries(self) -> None:
        for n in range(25):
            make_posting(self.employer, title=f"岗位{n}")
        self.login(self.employment)
        # session, user, count, page, and one query per employer-flag source
        with self.assertNumQueries(4 + len(settings.QINGLING_EMPLOYER_FLAGS)):
            self.client.get(reverse("employment:posting_list"))

    def test_the_seeker_list_runs_a_fixed_number_of_queries(self) -> None:
        for n in range(25):
            make_seeker(self.rng, name=f"工人{n}")
        self.login(self.employment)
        with self.assertNumQueries(7):  # session, user, unit, division, count, page, towns
            self.client.get(reverse("employment:seeker_list"))

    @override_settings(LANGUAGE_CODE="en")
    def test_a_rule_breaking_posting_form_shows_the_reason_on_the_field(self) -> None:
        self.login(self.employment)
        response = self.client.post(
            reverse("employment:posting_new"),
            {
                "employer_name": "某公司",
                "employer_credit_code": self.employer.credit_code,
                "employer_profile": "制造企业",
                "title": "普工",
                "occupation": "6-29",
                "headcount": "5",
                "requirements": "限本地户籍",
                "work_content": "装配",
                "place": "大连市",
                "pay_min": "5000",
                "source": "employer",
                "contact": "0411-1",
                "expires_on": "2027-01-31",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn(
            "household registration", str(response.context["form"].errors["requirements"])
        )
        self.assertIn("partner_region", response.context["form"].errors)
        self.assertFalse(Posting.objects.filter(title="普工").exists())

    def test_the_import_page_lists_bad_rows_by_line(self) -> None:
        book = Workbook()
        book.active.append(["姓名", "身份证号", "区县", "乡镇"])
        book.active.append(["好人", fake_id_number(self.rng), "龙山区", "向阳街道"])
        book.active.append(["坏行", "1234", "龙山区", "向阳街道"])
        out = io.BytesIO()
        book.save(out)
        out.name = "grid.xlsx"
        out.seek(0)
        self.login(self.employment)
        response = self.client.post(reverse("employment:seeker_import"), {"file": out})
        self.assertEqual(response.context["result"].created, 1)
        self.assertContains(response, '<td class="num">3</td>', html=False)


@time_machine.travel(CURRENT_TIME, tick=False)
class PublicBoardTests(EmploymentWorld):
    def test_shows_live_postings_only_and_filters(self) -> None:
        live = make_posting(self.employer, title="大连项目木工", published_at=CURRENT_TIME)
        make_posting(self.employer, title="草稿岗位", status="draft")
        make_posting(self.employer, title="过期岗位", expires_on=dt.date(2026, 11, 1))
        make_posting(
            self.employer,
            title="本地保洁",
            occupation="4-10",
            place="220402",
            published_at=CURRENT_TIME,
        )
        page = self.client.get(reverse("jobs:board"))
        self.assertContains(page, live.title)
        self.assertContains(page, "本地保洁")
        self.assertNotContains(page, "草稿岗位")
        self.assertNotContains(page, "过期岗位")
        dalian = self.client.get(reverse("jobs:board"), {"place": "210000"})
        self.assertNotContains(dalian, "本地保洁")
        self.assertContains(dalian, live.title)
        services = self.client.get(reverse("jobs:board"), {"occupation": "4"})
        self.assertContains(services, "本地保洁")
        self.assertNotContains(services, live.title)
        detail = self.client.get(reverse("jobs:detail", args=[live.public_id]))
        self.assertContains(detail, live.requirements)

    def test_hides_a_flagged_employer(self) -> None:
        case = make_case(self)
        posting = make_posting(case.respondent, title="欠薪单位的岗位")
        self.assertNotContains(self.client.get(reverse("jobs:board")), posting.title)
        self.assertEqual(
            self.client.get(reverse("jobs:detail", args=[posting.public_id])).status_code, 404
        )

    def test_a_worker_registers_once_even_when_sending_twice(self) -> None:
        data = {
            "name": "周六",
            "id_number": fake_id_number(self.rng),
            "phone": fake_mobile(self.rng),
            "division": "220421",
            "township": "东丰镇",
            "going_out": "on",
            "occupations": ["6-29"],
            "destinations": "大连市、山东省",
            "earliest": "2027-02-20",
            "latest": "2027-02-28",
            "contact_consent": "on",
            "contact_channel": "sms",
            "personalised": "on",
        }
        for _ in range(2):
            asked = self.client.post(reverse("jobs:register"), data)
            self.assertIs(asked.context["code_sent"], True)
            response = self.client.post(reverse("jobs:register"), {**data, "code": sent_code()})
            self.assertRedirects(response, reverse("jobs:registered"))
        seeker = Seeker.objects.get()
        self.assertEqual(seeker.source, Seeker.Source.SELF)
        self.assertEqual(sorted(d.code for d in seeker.destinations.all()), ["210200", "370000"])
        self.assertNotContains(self.client.get(reverse("jobs:registered")), str(data["id_number"]))

    @override_settings(LANGUAGE_CODE="en")
    def test_unknown_places_are_named(self) -> None:
        response = self.client.post(reverse("jobs:register"), {"destinations": "火星、大连市"})
        self.assertIn("火星", str(response.context["form"].errors["destinations"]))

    def test_stopping_messages_by_phone(self) -> None:
        seeker = make_seeker(self.rng)
        from qingling.core.personal_data import unseal

        phone = unseal(seeker.person.phone_sealed, purpose="phone")
        response = self.client.post(reverse("jobs:stop"), {"phone": phone})
        self.assertTrue(response.context["done"])
        seeker.refresh_from_db()
        self.assertFalse(seeker.reachable)
