from itertools import combinations
from unittest import TestCase

from hypothesis import given
from hypothesis import strategies as st

from qingling.parties.matching import (
    MATCH_THRESHOLD,
    OrganizationIndex,
    block_key,
    cluster,
    name_key,
    same_employer,
    similarity,
)

ORIGINAL = "辽源市鑫盛建筑工程有限公司"
CODE = "91220402MA0Y3LQK5E"
OTHER_CODE = "91220402MA0Y3LQK6C"
TRADE_NAMES = [
    "鑫盛",
    "宏达",
    "恒泰",
    "华龙",
    "金鼎",
    "隆兴",
    "顺通",
    "瑞祥",
    "丰源",
    "博远",
    "福海",
    "天成",
    "中意",
    "永利",
    "东方红",
    "佳美",
    "盛世",
    "昌隆",
    "广厦",
    "腾飞",
    "卓越",
    "锦绣",
    "百川",
    "凯旋",
    "万通",
    "正阳",
    "长青",
    "润泽",
    "嘉禾",
    "鸿运",
    "泰和",
    "宇航",
    "海川",
    "松涛",
    "明珠",
    "德邦",
]
INDUSTRIES = ("建筑工程", "建设工程", "劳务", "装饰工程", "房地产开发", "市政工程", "建筑安装")
PREFIXES = ("", "辽源市", "辽源", "吉林省辽源市", "吉林省", "龙山区", "辽源市东丰县")
LEGAL_FORMS = ("有限公司", "有限责任公司")
FULL_WIDTH = {"(": "（", ")": "）", " ": "\u3000"}


class NameKeyTests(TestCase):
    def test_turns_full_width_characters_into_half_width(self) -> None:
        self.assertEqual(name_key("ＡＢＣ建筑有限公司").trade, "abc")

    def test_removes_spaces_of_every_width(self) -> None:
        self.assertEqual(name_key("辽源市 鑫盛\u3000建筑工程 有限公司").trade, "鑫盛")

    def test_unifies_parentheses_and_drops_what_they_enclose(self) -> None:
        self.assertEqual(name_key("鑫盛（辽源）建筑工程有限公司").trade, "鑫盛")
        self.assertEqual(name_key("鑫盛【辽源】建筑工程有限公司").trade, "鑫盛")

    def test_strips_the_city_prefix(self) -> None:
        parts = name_key(ORIGINAL)
        self.assertEqual((parts.prefix, parts.trade), ("辽源市", "鑫盛"))

    def test_strips_a_bare_city_name(self) -> None:
        self.assertEqual(name_key("辽源鑫盛建筑工程有限公司").trade, "鑫盛")

    def test_strips_province_city_and_county_together(self) -> None:
        parts = name_key("吉林省辽源市东丰县鑫盛建筑工程有限公司")
        self.assertEqual((parts.prefix, parts.trade), ("吉林省辽源市东丰县", "鑫盛"))

    def test_strips_a_place_outside_the_list_by_its_administrative_suffix(self) -> None:
        self.assertEqual(name_key("延吉市鑫盛劳务有限公司").trade, "鑫盛")

    def test_keeps_a_trade_name_that_only_begins_like_a_county(self) -> None:
        self.assertEqual(name_key("东辽河建筑有限公司").trade, "东辽河")

    def test_does_not_take_municipal_works_for_a_city(self) -> None:
        parts = name_key("鑫盛市政工程有限公司")
        self.assertEqual((parts.trade, parts.industry), ("鑫盛", "市政工程"))

    def test_strips_the_legal_form(self) -> None:
        for name in ("鑫盛建筑工程有限责任公司", "鑫盛建筑工程股份有限公司", "鑫盛建筑工程公司"):
            self.assertEqual(name_key(name).trade, "鑫盛", name)

    def test_drops_a_branch_after_the_legal_form(self) -> None:
        self.assertEqual(name_key("鑫盛建筑工程有限公司东丰分公司").trade, "鑫盛")

    def test_strips_a_group(self) -> None:
        self.assertEqual(name_key("鑫盛建设集团有限公司").trade, "鑫盛")

    def test_strips_stacked_industry_words(self) -> None:
        parts = name_key("鑫盛建筑安装工程有限公司")
        self.assertEqual((parts.trade, parts.industry), ("鑫盛", "建筑安装工程"))

    def test_keeps_the_industry_words_when_they_are_the_whole_name(self) -> None:
        self.assertEqual(name_key("建筑工程有限公司").trade, "建筑工程")

    def test_reads_the_trade_name_in_toneless_pinyin(self) -> None:
        self.assertEqual(name_key(ORIGINAL).pinyin, ("xin", "sheng"))

    def test_reads_characters_as_company_names_read_them(self) -> None:
        self.assertEqual(name_key("华晟建筑有限公司").pinyin, ("hua", "sheng"))

    def test_block_key_is_the_initials_then_the_pinyin(self) -> None:
        self.assertEqual(block_key(ORIGINAL), "xs:xinsheng")


class SameEmployerTests(TestCase):
    def test_matches_names_that_differ_by_city_prefix(self) -> None:
        for variant in ("辽源鑫盛建筑工程有限公司", "鑫盛建筑工程有限公司"):
            self.assertTrue(same_employer(ORIGINAL, variant), variant)

    def test_matches_names_that_differ_by_legal_form(self) -> None:
        self.assertTrue(same_employer(ORIGINAL, "辽源市鑫盛建筑工程有限责任公司"))

    def test_matches_names_that_differ_by_spaces(self) -> None:
        self.assertTrue(same_employer(ORIGINAL, "辽源市 鑫盛 建筑工程 有限公司"))

    def test_matches_names_that_differ_by_full_width_characters(self) -> None:
        self.assertTrue(same_employer("鑫盛(辽源)建筑工程有限公司", "鑫盛（辽源）建筑工程有限公司"))

    def test_matches_a_homophone_typo_in_the_trade_name(self) -> None:
        for variant in ("辽源市鑫胜建筑工程有限公司", "辽源市新盛建筑工程有限公司"):
            self.assertEqual(similarity(ORIGINAL, variant), 1.0, variant)

    def test_matches_a_trade_name_said_with_flat_instead_of_retroflex_initials(self) -> None:
        self.assertTrue(same_employer("辽源市中达建筑工程有限公司", "辽源市宗达建筑工程有限公司"))

    def test_matches_a_near_identical_long_trade_name(self) -> None:
        self.assertTrue(
            same_employer("中铁十三局第二工程处劳务有限公司", "中铁十三局第二工程外劳务有限公司")
        )

    def test_refuses_trade_names_one_letter_apart_in_pinyin(self) -> None:
        self.assertFalse(same_employer("辽源成越建筑有限公司", "辽源成业建筑有限公司"))
        self.assertFalse(same_employer("辽源振德建筑有限公司", "辽源正德建筑有限公司"))

    def test_matches_the_short_form(self) -> None:
        self.assertTrue(same_employer(ORIGINAL, "鑫盛公司"))

    def test_matches_the_same_trade_name_with_other_industry_words_a_little_lower(self) -> None:
        score = similarity(ORIGINAL, "辽源市鑫盛劳务有限公司")
        self.assertGreaterEqual(score, MATCH_THRESHOLD)
        self.assertLess(score, 1.0)

    def test_refuses_names_that_share_only_the_industry_words(self) -> None:
        self.assertFalse(same_employer(ORIGINAL, "辽源市宏达建筑工程有限公司"))

    def test_refuses_a_longer_trade_name_that_begins_with_the_same_characters(self) -> None:
        self.assertFalse(same_employer(ORIGINAL, "辽源市鑫盛达建筑工程有限公司"))

    def test_treats_a_matching_credit_code_as_certain(self) -> None:
        score = similarity(ORIGINAL, "宏达公司", code_a=CODE, code_b=CODE.lower())
        self.assertEqual(score, 1.0)

    def test_treats_different_credit_codes_as_different_employers(self) -> None:
        self.assertFalse(same_employer(ORIGINAL, ORIGINAL, code_a=CODE, code_b=OTHER_CODE))

    def test_judges_by_the_name_when_only_one_side_has_a_code(self) -> None:
        self.assertTrue(same_employer(ORIGINAL, "鑫盛公司", code_a=CODE))

    @given(
        trade=st.sampled_from(TRADE_NAMES),
        industry=st.sampled_from(INDUSTRIES),
        prefix=st.sampled_from(PREFIXES),
        legal=st.sampled_from(LEGAL_FORMS),
        spaces=st.lists(st.integers(min_value=0, max_value=20), max_size=3),
        branch=st.sampled_from(("", "(辽源)", "（吉林）")),
        full_width=st.booleans(),
    )
    def test_any_variation_of_prefix_legal_form_spaces_and_width_matches_the_original(
        self,
        trade: str,
        industry: str,
        prefix: str,
        legal: str,
        spaces: list[int],
        branch: str,
        full_width: bool,
    ) -> None:
        original = f"辽源市{trade}{industry}有限公司"
        variant = f"{prefix}{trade}{branch}{industry}{legal}"
        for position in sorted(spaces, reverse=True):
            variant = variant[:position] + " " + variant[position:]
        if full_width:
            variant = "".join(FULL_WIDTH.get(char, char) for char in variant)
        self.assertTrue(same_employer(original, variant), variant)

    @given(
        pair=st.sampled_from(list(combinations(TRADE_NAMES, 2))),
        industry=st.sampled_from(INDUSTRIES),
        prefix=st.sampled_from(PREFIXES),
        legal=st.sampled_from(LEGAL_FORMS),
    )
    def test_different_trade_names_with_the_same_industry_words_never_match(
        self, pair: tuple[str, str], industry: str, prefix: str, legal: str
    ) -> None:
        first, second = (f"{prefix}{trade}{industry}{legal}" for trade in pair)
        self.assertFalse(same_employer(first, second), (first, second))


class OrganizationIndexTests(TestCase):
    def setUp(self) -> None:
        self.index = OrganizationIndex(
            [
                (1, ORIGINAL, CODE),
                (2, "辽源市宏达建筑工程有限公司", ""),
                (3, "辽源市鑫盛达装饰工程有限公司", ""),
            ]
        )

    def test_finds_a_homophone_and_ranks_it_first(self) -> None:
        self.assertEqual(self.index.search("新盛建筑公司")[0], (1, 1.0))

    def test_does_not_offer_an_employer_sharing_only_the_industry_words(self) -> None:
        self.assertNotIn(2, [row_id for row_id, _ in self.index.search("鑫盛建筑工程有限公司")])

    def test_finds_by_credit_code_whatever_the_name(self) -> None:
        self.assertEqual(self.index.search("完全不同的名字", CODE), [(1, 1.0)])

    def test_scores_only_the_block(self) -> None:
        self.assertEqual(self.index.candidate_ids("宏达公司"), {2})


class ClusterTests(TestCase):
    def test_numbers_each_cluster_by_its_first_row(self) -> None:
        rows = [
            (ORIGINAL, ""),
            ("宏达公司", ""),
            ("鑫胜公司", ""),
            ("辽源宏达建筑工程有限公司", ""),
        ]
        self.assertEqual(cluster(rows), [1, 2, 1, 2])

    def test_does_not_join_two_codes_through_a_row_without_one(self) -> None:
        rows = [(ORIGINAL, CODE), ("鑫盛公司", ""), (ORIGINAL, OTHER_CODE)]
        self.assertEqual(cluster(rows), [1, 1, 3])
