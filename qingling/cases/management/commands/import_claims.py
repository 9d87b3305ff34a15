"""qingling import-claims CASE_NUMBER FILE.xlsx --user USERNAME

Adds one claim per row of a roster workbook (first sheet; columns 姓名/name,
身份证号/id_number, 手机/phone, 欠薪金额/claimed) to an open case, as the named member of
staff (an inspector of the case or a chief: every claim is recorded under their name).
Prints progress every 100 rows and each failed row by line and reason; exits with 1
when any row failed. Rows that were added stay added: run it again with only the
corrected rows.
"""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qingling.accounts.models import User
from qingling.cases.imports import ClaimsImportResult, claims_import, parse_claims_xlsx
from qingling.cases.selectors import case_list_for_user
from qingling.core.exceptions import ApplicationError
from qingling.core.workbooks import import_size_check

PROGRESS_EVERY = 100


class Command(BaseCommand):
    help = "Add workers' claims to a case from an XLSX roster."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("case_number", help="e.g. 辽人社监立〔2021〕8号")
        parser.add_argument("file", type=Path, help="an .xlsx workbook")
        parser.add_argument(
            "--user",
            required=True,
            help="the username of the inspector or chief adding the claims",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active member of staff named {options['user']!r}")
        case = case_list_for_user(user=user).filter(number=options["case_number"]).first()
        if case is None:
            raise CommandError(f"{user.username} sees no case numbered {options['case_number']}")
        if path.suffix.lower() != ".xlsx":
            raise CommandError("import an .xlsx workbook")
        try:
            import_size_check(path.stat().st_size)
            rows = parse_claims_xlsx(path.read_bytes())
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror or error}") from None
        except ApplicationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"{path.name}: {len(rows)} row(s) for {case.number}")

        def progress(done: int, result: ClaimsImportResult) -> None:
            if done % PROGRESS_EVERY == 0:
                self.stdout.write(f"  {done} rows: {result.created} added, {result.failed} failed")

        try:
            result = claims_import(case=case, rows=rows, actor=user, progress=progress)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"added {result.created}, failed {result.failed}")
        for failure in result.failures:
            field = "" if failure.field == "__all__" else f"{failure.field}: "
            self.stdout.write(f"  line {failure.line}: {field}{failure.message}")
        if result.failed:
            raise CommandError(f"{result.failed} row(s) failed", returncode=1)
