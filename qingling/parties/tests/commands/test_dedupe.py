import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import SimpleTestCase


class DedupeCommandTests(SimpleTestCase):
    def dedupe(self, content: bytes) -> list[str]:
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "organizations.csv"
            path.write_bytes(content)
            out = StringIO()
            call_command("dedupe", "organizations", str(path), stdout=out)
        return out.getvalue().splitlines()

    def test_prints_one_cluster_id_per_row_in_order(self) -> None:
        rows = "\n".join(
            [
                "辽源市鑫盛建筑工程有限公司",
                "辽源市宏达建筑工程有限公司",
                "鑫胜公司",
                "吉林省辽源市宏达建筑工程有限责任公司",
                "新盛建筑工程有限公司",
                "辽源市恒泰劳务有限公司",
            ]
        )
        self.assertEqual(self.dedupe(rows.encode()), ["1", "2", "1", "2", "1", "6"])

    def test_reads_a_bom_a_header_and_credit_codes(self) -> None:
        content = (
            "\ufeffname,code\n"
            "辽源市鑫盛建筑工程有限公司,91220402MA0Y3LQK5E\n"
            "完全不同的名称,91220402MA0Y3LQK5E\n"
            "辽源市鑫盛建筑工程有限公司,91220402MA0Y3LQK6C\n"
        )
        self.assertEqual(self.dedupe(content.encode()), ["1", "1", "3"])

    def test_keeps_one_trade_name_in_two_industries_apart_unless_evidence_joins_them(
        self,
    ) -> None:
        content = (
            "name,code,representative,address,phone\n"
            "辽源市鑫盛房地产开发有限公司,,,辽源市龙山区向阳街88号,\n"
            "鑫盛钢结构有限公司,,,辽源市龙山区向阳街88号,\n"
            "辽源市宏达商贸有限公司,,,,0437-3216688\n"
            "宏达市政工程有限公司,,,,\n"
        )
        self.assertEqual(self.dedupe(content.encode()), ["1", "1", "3", "4"])

    def test_takes_a_first_row_that_is_not_the_header_as_data(self) -> None:
        content = "鑫盛公司\n辽源鑫盛建筑工程有限公司\n"
        self.assertEqual(self.dedupe(content.encode()), ["1", "1"])

    def test_reads_quoted_names_with_commas(self) -> None:
        content = '"鑫盛建筑工程有限公司,东丰分公司"\n鑫盛公司\n'
        self.assertEqual(self.dedupe(content.encode()), ["1", "1"])

    def test_refuses_a_file_that_is_not_utf8(self) -> None:
        with self.assertRaises(CommandError):
            self.dedupe("辽源市鑫盛建筑工程有限公司\n".encode("gb18030"))

    def test_refuses_a_missing_file(self) -> None:
        with self.assertRaises(CommandError):
            call_command("dedupe", "organizations", "/nonexistent/organizations.csv")
