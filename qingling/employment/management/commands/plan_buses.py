"""qingling plan-buses FILE.csv --seats 45 [--time-limit 10]

Reads travel requests from a UTF-8 CSV file (optional BOM; ``-`` reads standard
input) with the header ``worker,destination,earliest,latest`` (dates YYYY-MM-DD,
further columns ignored) and prints the bus plan as JSON. Every bad row is
reported on standard error by line and reason, and then nothing is planned: a
plan without them would leave those workers behind unnoticed.
"""

import csv
import io
import json
import re
import sys
from argparse import ArgumentParser
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qingling.core.exceptions import InvalidInput
from qingling.employment.buses import BusPlan, TravelRequest, plan_buses

COLUMNS = ("worker", "destination", "earliest", "latest")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
"""Only YYYY-MM-DD: ``date.fromisoformat`` alone would also take 20210220 or 2021-W07-6."""


def parse_requests(text: str) -> tuple[list[TravelRequest], list[str]]:
    """The requests of a CSV text and, for each bad row, ``line N: reasons``.

    Blank lines are not rows. A missing column refuses the whole file.
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = next(reader, None)
    if header is None:
        raise CommandError(_("The file is empty; it needs the header %(header)s.") % _header())
    names = [cell.strip().lower() for cell in header]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        raise CommandError(
            _("The header has no column %(columns)s; it needs %(header)s.")
            % {"columns": ", ".join(missing), **_header()}
        )
    position = {column: names.index(column) for column in COLUMNS}
    requests: list[TravelRequest] = []
    problems: list[str] = []
    first_line: dict[str, int] = {}
    for record in reader:
        if not any(cell.strip() for cell in record):
            continue
        cells = {
            column: record[index].strip() if index < len(record) else ""
            for column, index in position.items()
        }
        reasons: list[str] = []
        worker, destination = cells["worker"], cells["destination"]
        if not worker:
            reasons.append(_("no worker"))
        elif worker in first_line:
            reasons.append(
                _("the worker is already on line %(line)d") % {"line": first_line[worker]}
            )
        else:
            first_line[worker] = reader.line_num
        if not destination:
            reasons.append(_("no destination"))
        earliest, latest = _date(cells, "earliest", reasons), _date(cells, "latest", reasons)
        if earliest and latest and latest < earliest:
            reasons.append(_("latest is before earliest"))
        if reasons:
            problems.append(
                _("line %(line)d: %(reasons)s")
                % {"line": reader.line_num, "reasons": "; ".join(reasons)}
            )
        elif earliest and latest:
            requests.append(TravelRequest(worker, destination, earliest, latest))
    return requests, problems


def _header() -> dict[str, str]:
    return {"header": ",".join(COLUMNS)}


def _date(cells: dict[str, str], column: str, reasons: list[str]) -> date | None:
    value = cells[column]
    if ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    reasons.append(
        _("%(column)s is not a date YYYY-MM-DD: %(value)r") % {"column": column, "value": value}
    )
    return None


def plan_as_json(plan: BusPlan, *, seats: int, workers: int) -> dict[str, Any]:
    return {
        "buses": [
            {
                "date": bus.date.isoformat(),
                "destination": bus.destination,
                "workers": list(bus.workers),
            }
            for bus in plan.buses
        ],
        "optimal": plan.optimal,
        "bus_count": len(plan.buses),
        "lower_bound": plan.lower_bound,
        "seats": seats,
        "workers": workers,
        "status": plan.status,
        "seconds": round(plan.seconds, 3),
    }


class Command(BaseCommand):
    help = (
        "Group workers by destination and date window into as few chartered buses as "
        "possible; print the plan as JSON."
    )

    requires_system_checks = ()  # reads a file, not the database
    stealth_options = ("stdin",)  # tests pass standard input as call_command(stdin=…)

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="a CSV file worker,destination,earliest,latest, or -")
        parser.add_argument("--seats", type=int, required=True, help="seats on one bus")
        parser.add_argument(
            "--time-limit",
            type=float,
            default=10.0,
            help="seconds the solver may take (default 10)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seats: int = options["seats"]
        time_limit: float = options["time_limit"]
        if seats < 1:
            raise CommandError(_("A bus needs at least one seat."))
        if not time_limit > 0:
            raise CommandError(_("The time limit must be a positive number of seconds."))
        requests, problems = parse_requests(self._read(options["file"], options.get("stdin")))
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(
                ngettext(
                    "%(count)d row is not valid; nothing was planned.",
                    "%(count)d rows are not valid; nothing was planned.",
                    len(problems),
                )
                % {"count": len(problems)}
            )
        try:
            plan = plan_buses(requests, seats=seats, time_limit=time_limit)
        except InvalidInput as error:
            raise CommandError(error.message) from None
        output = plan_as_json(plan, seats=seats, workers=len(requests))
        self.stdout.write(json.dumps(output, ensure_ascii=False))

    def _read(self, name: str, stdin: Iterable[str] | None) -> str:
        """The whole text: files are small (one line a worker) and read once."""
        if name == "-":
            if stdin is not None:
                return "".join(stdin)
            try:
                return sys.stdin.buffer.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise CommandError(_("The standard input is not UTF-8 text.")) from None
        path = Path(name)
        try:
            return path.read_bytes().decode("utf-8-sig")
        except FileNotFoundError:
            raise CommandError(_("No such file: %(path)s") % {"path": path}) from None
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(reason)s")
                % {"path": path, "reason": error.strerror or error}
            ) from None
        except UnicodeDecodeError:
            raise CommandError(_("%(path)s is not UTF-8 text.") % {"path": path}) from None
