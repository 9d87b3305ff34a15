from django.test import SimpleTestCase

from qingling.core.places import Place, PlaceIndex, short_name

PLACES = [
    Place("210000", "辽宁省", "province", None),
    Place("210200", "大连市", "city", "210000"),
    Place("220000", "吉林省", "province", None),
    Place("220200", "吉林市", "city", "220000"),
    Place("220400", "辽源市", "city", "220000"),
    Place("220402", "龙山区", "county", "220400"),
    Place("220421", "东丰县", "county", "220400"),
    Place("110000", "北京市", "province", None),
    Place("450000", "广西壮族自治区", "province", None),
]


class PlaceIndexTests(SimpleTestCase):
    index = PlaceIndex(PLACES)

    def resolve(self, text: str) -> tuple[str, str] | None:
        match = self.index.resolve(text)
        return (match.place.code, match.rest) if match else None

    def test_reads_a_province_and_city_as_written(self) -> None:
        self.assertEqual(self.resolve("辽宁省大连市"), ("210200", ""))
        self.assertEqual(self.resolve("辽宁 大连"), ("210200", ""))
        self.assertEqual(self.resolve("大连"), ("210200", ""))
        self.assertEqual(self.resolve("大连市"), ("210200", ""))
        self.assertEqual(self.resolve("210200"), ("210200", ""))

    def test_keeps_what_is_finer_than_the_table_as_text(self) -> None:
        match = self.index.resolve("辽宁省大连市甘井子区")
        assert match is not None
        self.assertEqual((match.place.code, match.rest), ("210200", "甘井子区"))
        self.assertEqual(match.label, "辽宁省大连市甘井子区")
        self.assertEqual(self.resolve("北京市朝阳区"), ("110000", "朝阳区"))
        self.assertEqual(self.resolve("吉林省辽源市东丰县大阳镇"), ("220421", "大阳镇"))

    def test_a_name_of_two_levels_is_the_higher_unless_it_follows_its_parent(self) -> None:
        self.assertEqual(self.resolve("吉林"), ("220000", ""))
        self.assertEqual(self.resolve("吉林省吉林市"), ("220200", ""))

    def test_short_names(self) -> None:
        self.assertEqual(short_name("广西壮族自治区"), "广西")
        self.assertEqual(short_name("东区"), "东区")
        self.assertEqual(self.resolve("广西"), ("450000", ""))

    def test_an_unknown_place_is_none(self) -> None:
        self.assertIsNone(self.resolve("火星"))
        self.assertIsNone(self.resolve("  "))

    def test_labels_for_the_search_list(self) -> None:
        self.assertIn(("210200", "辽宁省大连市"), self.index.labels())
