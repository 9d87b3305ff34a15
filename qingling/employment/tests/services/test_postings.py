import dataclasses
import datetime as dt
import io
import random
from decimal import Decimal

import time_machine
from django.test import override_settings
from openpyxl import Workbook

from qingling.core.exceptions import Conflict, InvalidInput
from qingling.core.models import AuditEvent
from qingling.employment.models import Posting
from qingling.employment.services.postings import (
    PostingInput,
    posting_create,
    posting_import,
    posting_problems,
    posting_transition,
    postings_expire_due,
    postings_publish,
)
from qingling.employment.tests.world import EmploymentWorld
from qingling.parties.demo import fake_credit_code
from qingling.testing import CURRENT_TIME, make_case

TODAY = dt.date(2026, 11, 27)


def posting(**fields: object) -> PostingInput:
    values: dict[str, object] = {
        "employer_name": "大连海湾建设集团有限公司",
        "employer_credit_code": fake_credit_code(random.Random(5), division="210200"),
        "employer_profile": "总承包特级资质建筑企业",
        "title": "钢筋工",
        "occupation_code": "6-29",
        "headcount": 30,
        "requirements": "18至55周岁，身体健康",
        "work_content": "住宅项目钢筋绑扎",
        "place_code": "210200",
        "address": "甘井子区",
        "pay_min": Decimal(6000),
        "pay_max": Decimal(8000),
        "contact": "0411-8888888 张经理",
        "expires_on": dt.date(2027, 3, 31),
        "partner_region": "大连市",
    }
    values.update(fields)
    return PostingInput(**values)  # type: ignore[arg-type]


def problems(**fields: object) -> dict[str, list[str]]:
    return posting_problems(
        posting(**fields),
        today=TODAY,
        occupations={"6", "6-29", "4-03"},
        places={"210200", "220402", "370000"},
    )


@override_settings(LANGUAGE_CODE="en")
class PostingRulesTests(EmploymentWorld):
    def test_a_complete_lawful_posting_has_no_problems(self) -> None:
        self.assertEqual(problems(), {})

    def test_each_required_part_of_the_notice_is_named_when_missing(self) -> None:
        found = problems(
            employer_name=" ",
            employer_profile="",
            title="",
            requirements="",
            work_content="",
            contact="",
            headcount=0,
            pay_min=None,
            expires_on=None,
            place_code="",
        )
        self.assertEqual(
            set(found),
            {
                "employer_name",
                "employer_profile",
                "title",
                "requirements",
                "work_content",
                "contact",
                "headcount",
                "pay_min",
                "expires_on",
                "place",
            },
        )

    def test_discrimination_and_origin_limits_and_hype_are_refused(self) -> None:
        cases = {
            "限男性，吃苦耐劳": "sex",
            "女士优先": "sex",
            "仅限汉族": "ethnicity",
            "不招信教人员": "religion",
            "限本地户籍": "origin",
            "要求城镇户口": "origin",
            "河南人勿扰": "origin",
            "不招外地人": "origin",
            "高薪诚聘": "hype",
            "保录取": "hype",
            "女工优先": "sex",
            "仅招男工": "sex",
            "限本地人": "origin",
            "只招本地人": "origin",
            "本地人优先": "origin",
            "穆斯林勿扰": "religion",
        }
        for text, kind in cases.items():
            with self.subTest(text):
                found = problems(requirements=text)
                self.assertIn("requirements", found, kind)
                self.assertEqual(len(found["requirements"]), 1)

    def test_ordinary_words_near_the_banned_ones_pass(self) -> None:
        for text in (
            "男女不限",
            "要求男女不限",
            "不限户籍",
            "本地户籍不限",
            "本省户籍、外省户籍均可",
            "身体健康，有钢筋工经验",
            "包吃包住，月薪6000元",
            "户外作业",
            "只要人品好、肯吃苦",
            "男工宿舍四人间",
        ):
            with self.subTest(text):
                self.assertEqual(problems(requirements=text), {})

    def test_the_employer_is_named_by_a_valid_credit_code(self) -> None:
        self.assertIn("employer_credit_code", problems(employer_credit_code=""))
        self.assertIn("employer_credit_code", problems(employer_credit_code="91210200ABC"))

    def test_outside_jobs_name_the_partner_region_and_reposts_their_source(self) -> None:
        self.assertIn("partner_region", problems(partner_region=""))
        self.assertEqual(problems(place_code="220402", partner_region=""), {})
        self.assertIn("source_name", problems(source=Posting.Source.REPOST))

    def test_pay_and_dates_in_order(self) -> None:
        self.assertIn("pay_max", problems(pay_max=Decimal(5000)))
        self.assertIn("expires_on", problems(expires_on=TODAY - dt.timedelta(days=1)))
        self.assertIn("expires_on", problems(expires_on=TODAY + dt.timedelta(days=400)))
        self.assertIn("starts_on", problems(starts_on=dt.date(2027, 4, 1)))
        self.assertIn("occupation", problems(occupation_code="6"))


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class PostingLifecycleTests(EmploymentWorld):
    def test_collected_as_draft_outside_then_published_and_expired(self) -> None:
        created = posting_create(data=posting(), actor=self.employment)
        self.assertEqual((created.status, created.scope), ("draft", "outside"))
        posting_transition(posting=created, to=Posting.Status.PUBLISHED, actor=self.employment)
        self.assertIsNotNone(created.published_at)
        with time_machine.travel(dt.datetime(2027, 4, 2, 1, 0, tzinfo=dt.UTC), tick=False):
            self.assertEqual(postings_expire_due(today=dt.date(2027, 4, 2)), 1)
        created.refresh_from_db()
        self.assertEqual(created.status, "expired")
        self.assertEqual(
            list(
                AuditEvent.objects.filter(
                    object_type="employment.posting", object_id=str(created.pk)
                )
                .order_by("at")
                .values_list("action", flat=True)
            ),
            ["posting.create", "posting.publish", "posting.expire"],
        )

    def test_an_inside_job_is_inside(self) -> None:
        created = posting_create(data=posting(place_code="220402"), actor=self.employment)
        self.assertEqual(created.scope, "inside")

    def test_bad_posting_stores_nothing(self) -> None:
        with self.assertRaises(InvalidInput):
            posting_create(data=posting(requirements="限男性"), actor=self.employment)
        self.assertFalse(Posting.objects.exists())

    def test_an_employer_under_an_open_case_cannot_publish(self) -> None:
        case = make_case(self)
        created = posting_create(
            data=posting(
                employer_name="改了名字的公司", employer_credit_code=case.respondent.credit_code
            ),
            actor=self.employment,
        )
        self.assertEqual(created.employer_id, case.respondent_id)
        with self.assertRaises(Conflict) as caught:
            posting_transition(posting=created, to=Posting.Status.PUBLISHED, actor=self.employment)
        self.assertEqual(caught.exception.code, "employer_flagged")
        self.assertIn(case.number, caught.exception.message)

    def test_publishes_a_batch_with_one_audit_row_each_or_nothing(self) -> None:
        drafts = [
            posting_create(data=posting(title=f"钢筋工{n}"), actor=self.employment)
            for n in range(3)
        ]
        single = posting_create(data=posting(title="木工"), actor=self.employment)
        posting_transition(posting=single, to=Posting.Status.PUBLISHED, actor=self.employment)
        postings_publish(postings=drafts, actor=self.employment)
        self.assertEqual(
            set(Posting.objects.values_list("status", flat=True)), {Posting.Status.PUBLISHED}
        )
        events = AuditEvent.objects.filter(action="posting.publish").order_by("object_id")
        self.assertEqual(events.count(), 4)
        # The batch's rows read as the single transition's do.
        one = events.get(object_id=str(single.pk))
        batch = events.get(object_id=str(drafts[0].pk))
        self.assertEqual(
            (batch.before, batch.actor_id, set(batch.after or {})),
            (one.before, one.actor_id, set(one.after or {})),
        )
        assert batch.after is not None
        self.assertEqual(batch.after["status"], "published")

        case = make_case(self)
        clear = posting_create(data=posting(title="瓦工"), actor=self.employment)
        flagged = posting_create(
            data=posting(employer_credit_code=case.respondent.credit_code), actor=self.employment
        )
        with self.assertRaises(Conflict) as caught:
            postings_publish(postings=[clear, flagged], actor=self.employment)
        self.assertEqual(caught.exception.code, "employer_flagged")
        self.assertEqual(Posting.objects.get(pk=clear.pk).status, Posting.Status.DRAFT)
        with self.assertRaises(Conflict):  # already published
            postings_publish(postings=drafts[:1], actor=self.employment)

    def test_a_withdrawn_posting_cannot_be_published(self) -> None:
        created = posting_create(data=posting(), actor=self.employment)
        posting_transition(posting=created, to=Posting.Status.WITHDRAWN, actor=self.employment)
        with self.assertRaises(Conflict):
            posting_transition(posting=created, to=Posting.Status.PUBLISHED, actor=self.employment)


CODE = fake_credit_code(random.Random(5), division="210200")


BASE_ROW = {
    "编号": "",
    "用人单位": "大连海湾建设集团有限公司",
    "统一社会信用代码": CODE,
    "单位简介": "建筑企业",
    "岗位名称": "钢筋工",
    "职业": "建筑施工人员",
    "招聘人数": 30,
    "招聘条件": "身体健康",
    "工作内容": "钢筋绑扎",
    "工作地点": "大连市",
    "最低月薪": 6000,
    "最高月薪": 8000,
    "协作地区": "大连市",
    "应聘方式": "0411-8888888",
    "有效期至": "2027-03-31",
}


def postings_workbook(*rows: dict[str, object]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(BASE_ROW))
    for row in rows:
        values = BASE_ROW | row
        sheet.append([values[name] for name in BASE_ROW])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class PostingImportTests(EmploymentWorld):
    def test_imports_thousands_and_reports_bad_rows_by_line(self) -> None:
        rows: list[dict[str, object]] = [{"编号": f"DL-{n}"} for n in range(1200)]
        rows[10] = {"编号": "DL-10", "招聘条件": "限本地户籍"}
        rows[20] = {"编号": "DL-20", "招聘人数": "很多", "工作地点": "火星"}
        rows[30] = {"编号": "DL-1"}  # the same reference as line 3
        seen: list[tuple[int, int]] = []
        result = posting_import(
            content=postings_workbook(*rows),
            actor=self.employment,
            progress=lambda done, total: seen.append((done, total)),
        )
        self.assertEqual((result.created, result.failed), (1197, 3))
        fields = {(f.line, f.field) for f in result.failures}
        self.assertEqual(
            fields, {(12, "requirements"), (22, "headcount"), (22, "place"), (32, "reference")}
        )
        self.assertEqual(Posting.objects.count(), 1197)
        self.assertEqual(AuditEvent.objects.filter(action="posting.import").count(), 1197)
        self.assertEqual(seen[-1], (1197, 1197))
        again = posting_import(content=postings_workbook(*rows[:5]), actor=self.employment)
        self.assertEqual((again.created, again.failed), (0, 5))

    def test_drafts_keep_the_partner_region_and_employer(self) -> None:
        code = self.employer.credit_code
        posting_import(
            content=postings_workbook(
                {"编号": "A", "统一社会信用代码": code, "用人单位": "海湾建设"}
            ),
            actor=self.employment,
        )
        (imported,) = Posting.objects.all()
        self.assertEqual(imported.employer_id, self.employer.pk)  # by its code, any name
        self.assertEqual((imported.status, imported.scope), ("draft", "outside"))


def test_posting_input_is_a_plain_dataclass() -> None:
    assert dataclasses.is_dataclass(posting())
