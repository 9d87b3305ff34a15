import tempfile
from io import StringIO
from pathlib import Path

import time_machine
from django.core.management import CommandError, call_command
from django.utils import translation

from qingling.cases.tests.test_imports import CHINESE, workbook
from qingling.parties.demo import fake_id_number
from qingling.testing import CURRENT_TIME, BaseTestCase, make_case


@time_machine.travel(CURRENT_TIME, tick=False)
class ImportClaimsCommandTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = make_case(self)

    def write(self, content: bytes, name: str = "花名册.xlsx") -> Path:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        path = Path(folder.name) / name
        path.write_bytes(content)
        return path

    def run_command(self, *args: str, out: StringIO | None = None) -> str:
        out = out or StringIO()
        with translation.override("en"):
            call_command("import_claims", *args, stdout=out, stderr=StringIO())
        return out.getvalue()

    def test_adds_the_rows_with_progress_every_100(self) -> None:
        rows = [[f"工人{n}", fake_id_number(self.rng), "", 1000 + n] for n in range(205)]
        path = self.write(workbook(CHINESE, *rows))
        output = self.run_command(self.case.number, str(path), "--user", "inspector")
        self.assertIn(f"花名册.xlsx: 205 row(s) for {self.case.number}", output)
        self.assertIn("  100 rows: 100 added, 0 failed", output)
        self.assertIn("  200 rows: 200 added, 0 failed", output)
        self.assertIn("added 205, failed 0", output)
        self.assertEqual(self.case.claims.count(), 206)

    def test_prints_the_failed_rows_and_exits_with_1(self) -> None:
        good = fake_id_number(self.rng)
        path = self.write(
            workbook(CHINESE, ["刘德福", good, "", 100], ["李四", good[:17], "", "abc"])
        )
        out = StringIO()
        with self.assertRaises(CommandError) as raised:
            self.run_command(self.case.number, str(path), "--user", "inspector2", out=out)
        self.assertEqual(raised.exception.returncode, 1)
        self.assertEqual(str(raised.exception), "1 row(s) failed")
        output = out.getvalue()
        self.assertIn("added 1, failed 1", output)
        self.assertIn(
            "  line 3: id_number: An ID number has 18 characters; this one has 17.", output
        )
        self.assertIn("  line 3: claimed: “abc” is not an amount in yuan.", output)
        self.assertEqual(self.case.claims.count(), 2)

    def test_refuses_an_unknown_case_user_or_file(self) -> None:
        path = self.write(workbook(CHINESE, ["刘德福", fake_id_number(self.rng), "", 100]))
        for args, message in (
            (("辽人社监立〔2021〕99号", str(path), "--user", "inspector"), "no case numbered"),
            ((self.case.number, str(path), "--user", "xian"), "no case numbered"),
            ((self.case.number, str(path), "--user", "nobody"), "no active member of staff"),
            ((self.case.number, str(path), "--user", "intake"), "inspectors or a chief"),
            ((self.case.number, str(path.with_suffix(".csv")), "--user", "inspector"), ".xlsx"),
            (
                (self.case.number, str(path.with_name("无.xlsx")), "--user", "inspector"),
                "cannot read",
            ),
        ):
            with self.subTest(args=args), self.assertRaisesMessage(CommandError, message):
                self.run_command(*args)
        bad = self.write(b"not a workbook", name="坏.xlsx")
        with self.assertRaisesMessage(CommandError, "cannot be read"):
            self.run_command(self.case.number, str(bad), "--user", "inspector")
        self.assertEqual(self.case.claims.count(), 1)
