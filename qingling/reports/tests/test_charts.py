import xml.etree.ElementTree as ET
from decimal import Decimal

from django.test import SimpleTestCase, override_settings
from hypothesis import given
from hypothesis import strategies as st

from qingling.reports.charts import Bar, _nice_ceiling, bar_chart, column_chart

SVG = "{http://www.w3.org/2000/svg}"
CHARTS = (bar_chart, column_chart)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own output, under test)


@override_settings(LANGUAGE_CODE="en")  # the tests read the English messages
class ChartTests(SimpleTestCase):
    def test_each_chart_is_valid_svg_with_a_title_a_description_and_a_viewbox(self) -> None:
        bars = [Bar("12345", 65), Bar("转办", 22), Bar("来访", 0)]
        for draw in CHARTS:
            with self.subTest(draw.__name__):
                root = parse(draw(chart_id="c1", title="按渠道", bars=bars))
                self.assertEqual(root.tag, f"{SVG}svg")
                self.assertRegex(root.get("viewBox", ""), r"^0 0 600 \d+$")
                self.assertEqual(root.get("width"), "100%")
                self.assertEqual(root.get("role"), "img")
                self.assertEqual(root.get("aria-labelledby"), "c1-title c1-desc")
                title, desc = root[0], root[1]
                self.assertEqual((title.tag, title.text), (f"{SVG}title", "按渠道"))
                self.assertEqual(desc.get("id"), "c1-desc")
                self.assertEqual(desc.text, "12345: 65; 转办: 22; 来访: 0")

    def test_escapes_every_text(self) -> None:
        nasty = '<script>alert("x")</script> & 公司'
        for draw in CHARTS:
            with self.subTest(draw.__name__):
                svg = draw(chart_id='"><x', title=nasty, bars=[Bar(nasty, 1, display="<b>1</b>")])
                self.assertNotIn("<script>", svg)
                self.assertNotIn("<b>", svg)
                root = parse(svg)
                self.assertEqual(root[0].text, nasty)
                self.assertEqual(root.get("aria-labelledby"), "---x-title ---x-desc")
                self.assertIn(nasty, "".join(root.itertext()))

    def test_handles_all_zeros_and_no_data(self) -> None:
        for draw in CHARTS:
            with self.subTest(draw.__name__):
                root = parse(draw(chart_id="z", title="t", bars=[Bar("一月", 0), Bar("二月", 0)]))
                sizes = [
                    float(rect.get("width" if draw is bar_chart else "height", ""))
                    for rect in root.iter(f"{SVG}rect")
                ]
                self.assertEqual(sizes, [0.0, 0.0])
                empty = draw(chart_id="e", title="t", bars=[])
                self.assertIn("No data for this period.", "".join(parse(empty).itertext()))

    def test_bars_are_proportional_to_their_values(self) -> None:
        root = parse(bar_chart(chart_id="p", title="t", bars=[Bar("a", 10), Bar("b", 5)]))
        widths = [float(rect.get("width", "")) for rect in root.iter(f"{SVG}rect")]
        self.assertAlmostEqual(widths[0], 2 * widths[1], places=0)
        columns = parse(
            column_chart(chart_id="m", title="t", bars=[Bar("1", Decimal(2000000)), Bar("2", 0)])
        )
        heights = [float(rect.get("height", "")) for rect in columns.iter(f"{SVG}rect")]
        self.assertEqual(heights[1], 0.0)
        self.assertGreater(heights[0], 0.0)

    def test_long_labels_are_shortened_but_kept_whole_in_the_tooltip(self) -> None:
        label = "全国根治欠薪线索反映平台转办的一个非常非常长的渠道名称"
        root = parse(bar_chart(chart_id="l", title="t", bars=[Bar(label, 3)]))
        texts = [t.text or "" for t in root.iter(f"{SVG}text")]
        self.assertTrue(any(t.endswith("…") and label.startswith(t[:-1]) for t in texts))
        tooltips = [t.text for t in root.iter(f"{SVG}title")]
        self.assertIn(f"{label}: 3", tooltips)

    @given(st.floats(min_value=0.001, max_value=1e12))
    def test_the_axis_maximum_is_a_round_number_at_or_above_the_highest(self, v: float) -> None:
        top = _nice_ceiling(v)
        self.assertGreaterEqual(top, v)
        self.assertLessEqual(top, v * 2.5 + 1e-9)
