import io
import json
from unittest import mock

from django.core.management import CommandError, call_command
from django.test import SimpleTestCase

from qingling.intake.tests.test_extraction import SAMPLE


def run_extract(text: str) -> dict[str, object]:
    out = io.StringIO()
    with mock.patch("sys.stdin", io.StringIO(text)):
        call_command("extract", stdout=out)
    result: dict[str, object] = json.loads(out.getvalue())
    return result


class ExtractCommandTests(SimpleTestCase):
    def test_prints_the_fields_as_json(self) -> None:
        self.assertEqual(
            run_extract(SAMPLE),
            {
                "employer": "辽源市鑫盛建筑工程有限公司",
                "project": "福民小区项目",
                "amount": 120000,
                "headcount": 15,
                "period": "2020年10月至今",
                "phones": ["13843712345"],
            },
        )

    def test_prints_a_fractional_amount_as_a_json_number(self) -> None:
        self.assertEqual(run_extract("拖欠工资125000.5元")["amount"], 125000.5)

    def test_prints_null_for_what_the_text_does_not_say(self) -> None:
        self.assertEqual(
            run_extract("反映拖欠工资问题。"),
            dict.fromkeys(("employer", "project", "amount", "headcount", "period", "phones")),
        )

    def test_refuses_empty_input(self) -> None:
        with self.assertRaisesMessage(CommandError, "no text on standard input"):
            run_extract("  \n")
