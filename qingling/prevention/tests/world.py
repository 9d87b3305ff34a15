"""A month of monitoring data on the test world's projects, as a ZIP the upload takes.

Two projects of 龙山区 registered with their codes (P1, P2), one of 西安区 (X1), and a
project only the files know (Q9, division 220402). Month 2024-03, deadline 2024-04-30.
"""

import datetime as dt
import io
import shutil
import tempfile
import zipfile
from pathlib import Path

from qingling.parties.models import Person, Project
from qingling.parties.services import person_register
from qingling.prevention.models import Warning
from qingling.prevention.monitoring.rules import TABLES
from qingling.prevention.services import monitoring_month_import
from qingling.prevention.tests.monitoring.month import MONTH, MonthFiles, march, worker_id
from qingling.testing import BaseTestCase, make_project

# Wednesday 10 April 2024, 10:00 in Liaoyuan: the month's data arrives.
APRIL_10 = dt.datetime(2024, 4, 10, 2, tzinfo=dt.UTC)


def month_zip(files: MonthFiles, *, folder_name: str = "2024-03") -> bytes:
    """The files in a ZIP, inside a folder as a person would zip them."""
    folder = files.write()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for table in TABLES:
            archive.write(folder / f"{table}.csv", f"{folder_name}/{table}.csv")
    return buffer.getvalue()


class MonitoringWorld(BaseTestCase):
    p1: Project
    p2: Project
    x1: Project
    known: Person

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.p1 = make_project(division=cls.longshan, name="福民小区", code="P1")
        cls.p2 = make_project(division=cls.longshan, name="东丰路", code="P2")
        cls.x1 = make_project(division=cls.xian_division, name="西安区站", code="X1")
        cls.known = person_register(name="李工", id_number=worker_id(1), phone="", actor=None)

    def files(self) -> MonthFiles:
        """P1: worker 1 present and unpaid (WORKER_UNPAID, PROJECT_UNPAID_SHARE red);
        P2 in order; X1: worker 3 paid but not on the roster (NOT_ON_ROSTER); Q9: no
        labour cost (NO_LABOUR_COST); and one bad attendance row."""
        scratch = Path(tempfile.mkdtemp(prefix="qingling-month-"))
        self.addCleanup(shutil.rmtree, scratch, True)
        files = MonthFiles(scratch / "files")
        files.project("P1").on_roster("P1", worker_id(1)).present("P1", worker_id(1), march(5))
        files.paid("P1", worker_id(2), "3000.00").on_roster("P1", worker_id(2))
        files.present("P1", worker_id(2), march(20)).labour_cost("P1")
        files.healthy("P2", worker_id(4))
        files.project("X1", division="220403").present("X1", worker_id(3), march(20))
        files.paid("X1", worker_id(3), "3000.00").labour_cost("X1")
        files.project("Q9").on_roster("Q9", worker_id(5)).present("Q9", worker_id(5), march(20))
        files.paid("Q9", worker_id(5), "3000.00")
        files.add("attendance", "P1", "123", "2024-03-02")  # a malformed ID number
        return files

    def load(self, files: MonthFiles | None = None, *, actor: object = None) -> object:
        return monitoring_month_import(
            content=month_zip(files or self.files()),
            actor=actor if actor is not None else self.chief,  # type: ignore[arg-type]
            month=MONTH,
        )

    def warning(self, rule: str, project: str) -> Warning:
        return Warning.objects.get(rule=rule, project_code=project)
