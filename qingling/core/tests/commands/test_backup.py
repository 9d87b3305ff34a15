"""qingling backup / restore on SQLite: back up the test database and its uploads, restore
them in another process into a new database file and MEDIA_ROOT, and look."""

import hashlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import skipUnless

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import CreateModel
from django.test import TransactionTestCase, override_settings

from qingling.accounts.models import Role
from qingling.accounts.services import org_unit_create, staff_create
from qingling.core.models import Division
from qingling.intake.models import Complaint
from qingling.intake.services import complaint_evidence_add
from qingling.testing import make_accepted_complaint

# What the restored database holds, printed as JSON by `qingling shell` in the other process.
LOOK = """
import hashlib, json
from qingling.core.models import ImportJob
from qingling.intake.models import Complaint
print(json.dumps({
    "complaints": {
        c.number: sorted(
            [a.original_name, a.sha256, hashlib.sha256(a.file.open("rb").read()).hexdigest()]
            for a in c.attachments.all()
        )
        for c in Complaint.objects.all()
    },
    "import_jobs": ImportJob.objects.count(),
}))
"""


class EvidenceTestCase(TransactionTestCase):
    """Three complaints with two evidence files each, MEDIA_ROOT in a temporary folder."""

    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="qingling-backup-test-"))
        self.addCleanup(shutil.rmtree, self.tmp)
        media = override_settings(MEDIA_ROOT=self.tmp / "uploads")
        media.enable()
        self.addCleanup(media.disable)
        # Outside a test transaction the divisions may have been flushed by an earlier test.
        city, _ = Division.objects.get_or_create(
            code="220400", defaults={"name": "辽源市", "level": "city"}
        )
        Division.objects.get_or_create(
            code="220402", defaults={"name": "龙山区", "level": "county", "parent": city}
        )
        officer = staff_create(
            username="backup-intake",
            full_name="受理员",
            role=Role.INTAKE_OFFICER,
            org_unit=org_unit_create(name="维权中心", division=city, actor=None),
            password="backup-intake-password",
            actor=None,
        )
        for n in range(3):
            complaint = make_accepted_complaint(
                name=f"王建{n}", amount=f"{1000 + n}.00", actor=officer
            )
            complaint_evidence_add(
                complaint=complaint,
                uploads=[
                    SimpleUploadedFile(f"欠条{n}-{k}.pdf", b"%PDF-1.4\n" + f"{n}-{k}".encode() * 50)
                    for k in range(2)
                ],
                actor=officer,
            )
        self.expected = {
            c.number: sorted([a.original_name, a.sha256, a.sha256] for a in c.attachments.all())
            for c in Complaint.objects.all()
        }
        self.backup = self.tmp / "backup"


@skipUnless(connection.vendor == "sqlite", "restores into a SQLite file in another process")
class BackupRestoreTests(EvidenceTestCase):
    def qingling(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run `qingling ARGS` on a database file and MEDIA_ROOT of its own (var/)."""
        var = self.tmp / "target"
        environment = {
            **os.environ,
            "PYTHONIOENCODING": "utf-8",
            "QINGLING_VAR_DIR": str(var),
            "DATABASE_URL": f"sqlite:///{var / 'qingling.sqlite3'}",
            "QINGLING_SECRET_KEY": settings.SECRET_KEY,
            "QINGLING_DATA_KEY": str(settings.QINGLING_DATA_KEY),
        }
        return subprocess.run(  # noqa: S603 (our own interpreter and arguments)
            [sys.executable, "-m", "qingling.cli", *args],
            capture_output=True,
            text=True,
            env=environment,
            check=False,
        )

    def look(self) -> dict[str, object]:
        result = self.qingling("shell", "--no-imports", "-c", LOOK)
        self.assertEqual(result.returncode, 0, result.stderr)
        answer: dict[str, object] = json.loads(result.stdout)
        return answer

    def test_a_restored_backup_has_every_complaint_and_every_file(self) -> None:
        call_command("backup", str(self.backup), stdout=open(os.devnull, "w"))  # noqa: SIM115
        restored = self.qingling("restore", str(self.backup))
        self.assertEqual(restored.returncode, 0, restored.stderr)
        self.assertIn("6 file(s)", restored.stdout)
        self.assertIn("migrations applied since the backup: none", restored.stdout)
        self.assertEqual(self.look()["complaints"], json.loads(json.dumps(self.expected)))
        # Now the target holds data: a second restore is refused, unless forced.
        again = self.qingling("restore", str(self.backup))
        self.assertNotEqual(again.returncode, 0)
        self.assertIn("not empty; --force replaces them", again.stderr)
        forced = self.qingling("restore", "--force", str(self.backup))
        self.assertEqual(forced.returncode, 0, forced.stderr)

    def test_writes_the_backup_owner_only_with_a_manifest(self) -> None:
        call_command("backup", str(self.backup), stdout=open(os.devnull, "w"))  # noqa: SIM115
        manifest = json.loads((self.backup / "manifest.json").read_text("utf-8"))
        self.assertEqual(manifest["vendor"], "sqlite")
        self.assertIn("0005_job_lease", manifest["migrations"]["core"])
        self.assertEqual(len(manifest["files"]), 6)
        self.assertTrue(all(len(f["sha256"]) == 64 for f in manifest["files"]))
        for path in [self.backup, *self.backup.rglob("*")]:
            mode = stat.S_IMODE(path.stat().st_mode)
            self.assertEqual(mode, 0o700 if path.is_dir() else 0o600, path)

    def test_migrates_forward_a_backup_from_an_older_version(self) -> None:
        call_command("backup", str(self.backup), stdout=open(os.devnull, "w"))  # noqa: SIM115
        # Make it a backup from before core's latest migrations: those no other app's
        # migration depends on (another app's would make the history inconsistent).
        manifest_path = self.backup / "manifest.json"
        manifest = json.loads(manifest_path.read_text("utf-8"))
        loader = MigrationLoader(None, ignore_no_migrations=True)
        later: list[str] = []
        for name in sorted(manifest["migrations"]["core"], reverse=True):
            children = loader.graph.node_map[("core", name)].children
            if any(child.key not in {("core", n) for n in later} for child in children):
                break
            later.insert(0, name)
        self.assertTrue(later)
        tables = [
            f"core_{operation.name.lower()}"
            for name in later
            for operation in loader.disk_migrations[("core", name)].operations
            if isinstance(operation, CreateModel)
        ]
        database = self.backup / "database.sqlite3"
        with sqlite3.connect(database) as db:
            for table in tables:
                db.execute(f"DROP TABLE {table}")
            for name in later:
                db.execute("DELETE FROM django_migrations WHERE app='core' AND name=?", [name])
        db.close()
        for name in later:
            manifest["migrations"]["core"].remove(name)
        manifest["database"]["sha256"] = hashlib.sha256(database.read_bytes()).hexdigest()
        manifest_path.write_text(json.dumps(manifest), "utf-8")
        restored = self.qingling("restore", str(self.backup))
        self.assertEqual(restored.returncode, 0, restored.stderr)
        self.assertIn(
            "migrations applied since the backup: " + ", ".join(f"core.{name}" for name in later),
            restored.stdout,
        )
        self.assertEqual(self.look()["import_jobs"], 0)

    def test_refuses_a_backup_whose_file_changed_before_touching_anything(self) -> None:
        call_command("backup", str(self.backup), stdout=open(os.devnull, "w"))  # noqa: SIM115
        evidence = next((self.backup / "media").rglob("*.pdf"))
        evidence.write_bytes(b"%PDF-1.4\nforged")
        with self.assertRaisesMessage(CommandError, "does not match its SHA-256"):
            call_command("restore", str(self.backup), "--force")
        self.assertEqual(Complaint.objects.count(), 3)

    def test_refuses_to_back_up_into_a_directory_that_holds_files(self) -> None:
        self.backup.mkdir()
        (self.backup / "old").write_text("x")
        with self.assertRaisesMessage(CommandError, "not empty"):
            call_command("backup", str(self.backup))


@skipUnless(
    connection.vendor == "postgresql" and shutil.which("pg_dump") and shutil.which("pg_restore"),
    "pg_dump and pg_restore against PostgreSQL",
)
class PostgresBackupRestoreTests(EvidenceTestCase):
    def test_a_restore_brings_back_deleted_complaints_and_files(self) -> None:
        call_command("backup", str(self.backup), stdout=open(os.devnull, "w"))  # noqa: SIM115
        self.assertTrue((self.backup / "database.pgdump").is_file())
        Complaint.objects.all().delete()
        shutil.rmtree(self.tmp / "uploads")
        call_command("restore", str(self.backup), "--force", stdout=open(os.devnull, "w"))  # noqa: SIM115
        restored = {
            c.number: sorted(
                [a.original_name, a.sha256, hashlib.sha256(a.file.open("rb").read()).hexdigest()]
                for a in c.attachments.all()
            )
            for c in Complaint.objects.all()
        }
        self.assertEqual(restored, self.expected)
