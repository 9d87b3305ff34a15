from decimal import Decimal

from django.test import SimpleTestCase
from hypothesis import given
from hypothesis import strategies as st

from qingling.intake.extraction import Extraction, chinese_number_parse, extract
from qingling.intake.tests.extraction_cases import FIELDS, LABELLED, field_scores
from qingling.intake.tests.extraction_heldout import HELD_OUT_NARRATIVES

SAMPLE = (
    "市民来电反映：其在辽源市鑫盛建筑工程有限公司承建的福民小区项目务工，公司拖欠其与工友"
    "共15人工资约12万元，自2020年10月至今未付，联系电话13843712345。"
)

ORDINARY = ("零一二三四五六七八九", ("", "十", "百", "千"))
CAPITAL = ("零壹贰叁肆伍陆柒捌玖", ("", "拾", "佰", "仟"))


def render(n: int, style: tuple[str, tuple[str, ...]] = ORDINARY) -> str:
    """The standard Chinese reading of 1 ≤ n ≤ 99 999 999 (十万零一十, 壹拾贰万…)."""
    digits, units = style

    def section(k: int) -> str:
        out, zero = "", False
        for position in (3, 2, 1, 0):
            d = k // 10**position % 10
            if d == 0:
                zero = bool(out)
            else:
                out += ("零" if zero else "") + digits[d] + units[position]
                zero = False
        return out

    high, low = divmod(n, 10_000)
    text = section(high) + "万" if high else ""
    if low:
        text += ("零" if high and low < 1000 else "") + section(low)
    if style is ORDINARY and text.startswith("一十"):
        text = text[1:]  # 十二, not 一十二
    return text


def extract_field(text: str, field: str) -> object:
    return getattr(extract(text), field)


class ExtractTests(SimpleTestCase):
    def test_reads_every_field_of_the_sample_work_order(self) -> None:
        self.assertEqual(
            extract(SAMPLE),
            Extraction(
                employer="辽源市鑫盛建筑工程有限公司",
                project="福民小区项目",
                amount=Decimal(120000),
                headcount=15,
                period="2020年10月至今",
                phones=["13843712345"],
            ),
        )

    def test_gives_none_for_every_field_a_text_does_not_state(self) -> None:
        self.assertEqual(extract("反映拖欠工资问题，请帮忙。"), Extraction())
        self.assertEqual(extract(""), Extraction())

    # --- amount -----------------------------------------------------------------

    def test_reads_amounts_in_arabic_and_chinese_numerals_with_units(self) -> None:
        for text, yuan in [
            ("拖欠工资12万元", "120000"),
            ("拖欠工资十二万元", "120000"),
            ("拖欠工资12.5万", "125000"),
            ("拖欠工资3万5千元", "35000"),
            ("拖欠工资约8千元", "8000"),
            ("拖欠工资120000元", "120000"),
            ("拖欠工资12,600元", "12600"),
            ("拖欠工资两万余元", "20000"),
            ("拖欠工资30多万元", "300000"),
            ("拖欠工资人民币壹拾贰万元整", "120000"),
            ("拖欠工资1.2亿元", "120000000"),
            ("欠我工钱一万五", "15000"),
            ("欠我6000块", "6000"),
            ("拖欠工资1.8万元左右", "18000"),
            ("拖欠工资１２万元", "120000"),
            ("拖欠工资 3 万 元", "30000"),
            ("拖欠工资125000.5元", "125000.5"),
        ]:
            with self.subTest(text):
                self.assertEqual(extract(text).amount, Decimal(yuan))

    def test_prefers_the_total_over_a_per_person_amount(self) -> None:
        self.assertEqual(
            extract("我们15人，每人3000元，合计4.5万元，公司一直不给。").amount, Decimal(45000)
        )

    def test_prefers_what_is_still_owed_over_the_total_and_what_was_paid(self) -> None:
        text = "工资共计10万元，已支付4万元，尚欠6万元未付。"
        self.assertEqual(extract(text).amount, Decimal(60000))

    def test_multiplies_a_per_person_amount_by_the_headcount_when_no_total_is_given(self) -> None:
        self.assertEqual(extract("其与工友共8人，每人被拖欠工资5000元。").amount, Decimal(40000))

    def test_does_not_pass_off_a_per_person_amount_or_a_daily_rate_as_the_total(self) -> None:
        self.assertIsNone(extract("拖欠工人工资，每人3000元左右，人数不清楚。").amount)
        self.assertIsNone(extract("每天工资150元，干了两个月老板没给钱").amount)

    def test_ignores_numbers_that_are_not_money(self) -> None:
        self.assertIsNone(extract("2020年10月在15万平方米的工地干活，工单号12345。").amount)

    # --- headcount --------------------------------------------------------------

    def test_reads_the_headcount_in_its_usual_phrasings(self) -> None:
        for text, people in [
            ("其与工友共15人工资未付", 15),
            ("本人及另外7名工友被拖欠工资", 8),
            ("我和3个工友在工地干活", 4),
            ("我们12个农民工在工地干活", 12),
            ("十余名工人反映被拖欠工资", 10),
            ("拖欠工资共计二十三人", 23),
            ("涉及农民工一百多人", 100),
            ("拖欠农民工23人工资", 23),
            ("涉及工人31名", 31),
            ("我和我爱人被欠工钱", 2),
            ("工地上有二三十个工人没拿到钱", 20),
        ]:
            with self.subTest(text):
                self.assertEqual(extract(text).headcount, people)

    def test_counts_one_worker_complaining_of_their_own_wages_as_one(self) -> None:
        for text in [
            "来电人反映辽源市万通建筑有限公司拖欠其工资4200元",
            "诉求：辽源市龙腾劳务派遣有限公司拖欠本人工资9800元",
            "我在鑫源饭店打工，老板没给钱",
            "他在辽源市华宇建筑公司干活，公司欠他工资2万元",
            "施工单位拖欠来电人工资4500元",
            "其丈夫在东丰县沙河镇敬老院改造工程干瓦工，至今未结工资",
            "本人于2020年10月至2021年1月在东丰县养殖场扩建项目干活",
            "来电人（男，约50岁）反映在东辽县光伏电站项目务工，欠其工资",
            "王师傅反映去年在东丰县敬老院维修工程干活，工钱至今没给",
            "来电人反映被拖欠工资，请帮忙。",
        ]:
            with self.subTest(text):
                self.assertEqual(extract(text).headcount, 1)

    def test_does_not_count_a_group_without_a_number_as_one(self) -> None:
        for text in [
            "我们在万福家园项目干了大半年，公司还欠我们工资三十多万",
            "其所在的钢筋班组在和谐佳苑项目干活，公司拖欠整个班组工资约40万元",
            "其在天禧苑小区装修，装饰公司拖欠装修工人工资3万5千元",
            "我们几个工友在城中村改造项目干活，包工头一直拖着不给",
            "其与工友在福民小区干活，公司拖欠其工资",
            "拖欠农民工工资，涉及人数众多",
        ]:
            with self.subTest(text):
                self.assertIsNone(extract(text).headcount)

    def test_does_not_count_months_or_visits_as_people(self) -> None:
        self.assertIsNone(extract("干了3个月，回访2人次，10个工作日内答复").headcount)

    # --- employer ---------------------------------------------------------------

    def test_reads_organisation_names_by_their_endings(self) -> None:
        for text, employer in [
            ("反映辽源市华建建筑工程有限公司拖欠工资", "辽源市华建建筑工程有限公司"),
            ("反映吉林省恒通建设集团有限公司拖欠工资", "吉林省恒通建设集团有限公司"),
            ("东辽县宏源劳务队拖欠工资", "东辽县宏源劳务队"),
            ("我在东辽县白泉镇宏图砖厂干活", "东辽县白泉镇宏图砖厂"),
            ("被辽源市腾飞建筑劳务有限责任公司拖欠工资", "辽源市腾飞建筑劳务有限责任公司"),
            ("反映和平建筑有限公司拖欠工资", "和平建筑有限公司"),
        ]:
            with self.subTest(text):
                self.assertEqual(extract(text).employer, employer)

    def test_prefers_the_organisation_that_owes(self) -> None:
        text = (
            "辽源市鑫盛建筑工程有限公司将福民小区项目劳务分包给辽源市宏达劳务有限公司，"
            "宏达劳务公司拖欠农民工工资。"
        )
        self.assertEqual(extract(text).employer, "辽源市宏达劳务有限公司")

    def test_gives_the_registered_name_without_the_role_words_before_it(self) -> None:
        for text, employer in [
            ("施工单位为吉林省恒远建筑工程有限公司，拖欠工资", "吉林省恒远建筑工程有限公司"),
            ("承包方为辽源市广厦建筑劳务有限公司，拖欠工资", "辽源市广厦建筑劳务有限公司"),
            ("施工方辽源市鼎力钢结构工程有限公司拖欠工资", "辽源市鼎力钢结构工程有限公司"),
            ("劳务公司为东丰县兴农劳务有限公司，欠俺工资", "东丰县兴农劳务有限公司"),
            ("施工队隶属东丰县广信建筑工程有限公司，拖欠工资", "东丰县广信建筑工程有限公司"),
            ("用人单位：辽源市金鹰物业服务有限公司拖欠工资", "辽源市金鹰物业服务有限公司"),
            ("施工单位系吉林省恒远建筑工程有限公司，拖欠工资", "吉林省恒远建筑工程有限公司"),
            ("反映辽源市东方建筑有限公司拖欠工资", "辽源市东方建筑有限公司"),
        ]:
            with self.subTest(text):
                self.assertEqual(extract(text).employer, employer)

    def test_keeps_every_word_of_a_name(self) -> None:
        for name in [
            "辽源市润泽给排水工程有限公司",
            "中建八局集团第三工程有限公司",
            "吉林省长白建设集团第三工程有限公司",
            "吉林省东鑫建设集团股份有限公司",
            "吉林省安泰建设集团第二工程处",
            "吉林省新元建工集团第一工程有限公司东丰分公司",
            "吉林省城建集团",
        ]:
            with self.subTest(name):
                self.assertEqual(extract(f"反映{name}拖欠其工资").employer, name)

    def test_takes_the_organisation_of_the_role_said_to_owe(self) -> None:
        text = (
            "建设单位是辽源市城发置业有限公司，施工单位是吉林省鑫达建设工程有限公司，"
            "施工单位拖欠其工资。"
        )
        self.assertEqual(extract(text).employer, "吉林省鑫达建设工程有限公司")

    def test_keeps_a_branch_with_its_company(self) -> None:
        text = "中国建筑第八工程局有限公司辽源分公司拖欠工资"
        self.assertEqual(extract(text).employer, "中国建筑第八工程局有限公司辽源分公司")

    def test_does_not_take_a_generic_or_vague_company_for_an_employer(self) -> None:
        for text in [
            "劳务公司至今未结算工资",
            "该公司拖欠工资",
            "在西安区一家饭店打工",
            "不知道公司名称",
        ]:
            with self.subTest(text):
                self.assertIsNone(extract(text).employer)

    # --- project ----------------------------------------------------------------

    def test_reads_projects_sites_and_buildings(self) -> None:
        for text, project in [
            ("承建的福民小区项目拖欠工资", "福民小区项目"),
            ("在东辽县乡道改造工程务工", "东辽县乡道改造工程"),
            ("在富民小区工地干活", "富民小区"),
            ("在辽源市中医院住院楼干了4个月", "辽源市中医院住院楼"),
            ("在辽源市西安区灯塔路12号楼工程务工", "辽源市西安区灯塔路12号楼工程"),
        ]:
            with self.subTest(text):
                self.assertEqual(extract(text).project, project)

    def test_leaves_out_the_site_details_after_a_projects_name(self) -> None:
        for text, project in [
            ("在西安区富国小区6号楼干瓦工", "西安区富国小区"),
            ("在辽源市龙山区东盛花园3号楼工地做力工", "辽源市龙山区东盛花园"),
            ("在东丰县丰泽家园二期5#楼干木工", "东丰县丰泽家园二期"),
            ("在东吉新城三期8栋工地干活", "东吉新城三期"),
            ("在东丰县文化广场改造项目施工现场干活", "东丰县文化广场改造项目"),
        ]:
            with self.subTest(text):
                self.assertEqual(extract(text).project, project)

    def test_keeps_the_place_a_projects_name_begins_with(self) -> None:
        for name in [
            "辽源市龙山区共和街改造项目",
            "辽源市龙山区工人村小区改造项目",
            "辽源市龙山区给水管网改造工程",
            "辽源市龙山区自来水厂改造工程",
            "辽源市龙山区福泰小区给排水改造工程",
        ]:
            with self.subTest(name):
                self.assertEqual(extract(f"其在{name}干活").project, name)

    def test_does_not_take_a_company_name_or_a_vague_site_for_a_project(self) -> None:
        for text in [
            "辽源市鑫盛建筑工程有限公司拖欠工程款",
            "在龙山区工地干活",
            "在向阳街道一处工地务工",
            "在东丰县一个建筑工地干活",
            "该项目拖欠工资",
            "在3号楼干活",
            "做装修零活，没有具体项目",
            "打零工，无具体项目",
            "项目名称不详",
            "不知道什么工程",
        ]:
            with self.subTest(text):
                self.assertIsNone(extract(text).project)

    # --- period -----------------------------------------------------------------

    def test_reads_the_period_owed_as_the_words_of_the_text(self) -> None:
        for text, period in [
            ("自2020年10月至今未付", "2020年10月至今"),
            ("2020年5月至12月的工资", "2020年5月至12月"),
            ("从去年8月以来一直拖着", "去年8月以来"),
            ("自2021年1月起拖欠", "2021年1月起"),
            ("2019年10月至2020年1月", "2019年10月至2020年1月"),
            ("２０２０年６月到现在", "2020年6月到现在"),
            ("拖欠其2019年工资", "2019年"),
            ("拖欠3个月工资", "3个月"),
        ]:
            with self.subTest(text):
                self.assertEqual(extract(text).period, period)

    def test_does_not_take_the_date_of_the_call_for_the_period(self) -> None:
        self.assertIsNone(extract("受理时间：2021年3月18日，来电人反映被拖欠工资。").period)

    # --- phones -----------------------------------------------------------------

    def test_normalises_mobile_and_landline_numbers_to_digits(self) -> None:
        for text, phones in [
            ("联系电话13843712345", ["13843712345"]),
            ("电话 138 4371 2345", ["13843712345"]),
            ("回电138-4371-2345", ["13843712345"]),
            ("+86 139-4371-6688", ["13943716688"]),
            ("电话：１３８４３７１２３４５", ["13843712345"]),
            ("电话0437-3225678", ["04373225678"]),
            ("电话（0437）3198765", ["04373198765"]),
            ("座机3221188", ["04373221188"]),
            ("0437-3225678、13843790011", ["04373225678", "13843790011"]),
            ("13843712345或13843712345", ["13843712345"]),
        ]:
            with self.subTest(text):
                self.assertEqual(extract(text).phones, phones)

    def test_does_not_read_a_phone_number_inside_an_id_number_or_a_work_order_number(self) -> None:
        self.assertIsNone(extract("身份证号：220402198703151234，工单号20210318000123").phones)

    # --- the labelled sets ------------------------------------------------------

    # Both sets score 1.000 on every field (docs/performance.md); the floor lets
    # one hard case per field fail, not two.
    FLOOR = 0.97

    def test_keeps_precision_and_recall_of_every_field_above_the_floor(self) -> None:
        """A regression on the labelled set fails here; a single hard case does not."""
        self.assertGreaterEqual(len(LABELLED), 60)
        for field, score in field_scores(extract).items():
            with self.subTest(field):
                self.assertGreaterEqual(score.precision or 0, self.FLOOR)
                self.assertGreaterEqual(score.recall or 0, self.FLOOR)

    def test_keeps_every_field_above_the_floor_on_the_held_out_narratives(self) -> None:
        """Issue 11 asks for at least 0.95 exact per field on text the rules were not written on."""
        self.assertGreaterEqual(len(HELD_OUT_NARRATIVES), 40)
        for field, score in field_scores(extract, HELD_OUT_NARRATIVES).items():
            with self.subTest(field):
                self.assertGreaterEqual(score.precision or 0, self.FLOOR)
                self.assertGreaterEqual(score.recall or 0, self.FLOOR)

    def test_labels_every_field_of_every_case(self) -> None:
        for item in LABELLED + HELD_OUT_NARRATIVES:
            self.assertEqual(set(item) - {"text"}, set(FIELDS))


class ChineseNumberParseTests(SimpleTestCase):
    @given(st.integers(min_value=1, max_value=99_999_999))
    def test_reads_back_the_chinese_reading_of_any_number(self, n: int) -> None:
        self.assertEqual(chinese_number_parse(render(n)), n)

    @given(st.integers(min_value=1, max_value=99_999_999))
    def test_reads_back_capital_numerals(self, n: int) -> None:
        self.assertEqual(chinese_number_parse(render(n, CAPITAL)), n)

    @given(st.integers(min_value=1, max_value=9_999), st.integers(min_value=1, max_value=9))
    def test_reads_arabic_digits_mixed_with_chinese_units(self, high: int, thousands: int) -> None:
        expected = high * 10_000 + thousands * 1_000
        self.assertEqual(chinese_number_parse(f"{high}万{thousands}千"), expected)
        self.assertEqual(chinese_number_parse(f"{high}万{thousands}"), expected)  # 3万5

    @given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999.99"), places=2))
    def test_scales_a_decimal_by_wan(self, value: Decimal) -> None:
        self.assertEqual(chinese_number_parse(f"{value}万"), value * 10_000)

    def test_reads_a_bare_digit_after_a_unit_in_the_next_lower_unit(self) -> None:
        for text, value in [
            ("三万五", 35_000),
            ("两千五", 2_500),
            ("一百五", 150),
            ("一亿二", 120_000_000),
        ]:
            with self.subTest(text):
                self.assertEqual(chinese_number_parse(text), value)

    def test_reads_a_zero_as_a_gap(self) -> None:
        self.assertEqual(chinese_number_parse("一百零五"), 105)
        self.assertEqual(chinese_number_parse("十万零一十"), 100_010)
        self.assertEqual(chinese_number_parse("一亿零五百万"), 105_000_000)

    def test_reads_a_spoken_range_as_its_lower_bound(self) -> None:
        self.assertEqual(chinese_number_parse("二三十"), 20)
        self.assertEqual(chinese_number_parse("五六十万"), 500_000)
        self.assertEqual(chinese_number_parse("二〇二三"), 2023)

    def test_refuses_what_is_not_a_numeral(self) -> None:
        for text in ["", "万", "十百", "一万万", "五十五十", "元"]:
            with self.subTest(text), self.assertRaises(ValueError):
                chinese_number_parse(text)
