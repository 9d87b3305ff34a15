import os
import shutil
import stat
import tempfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import SimpleTestCase, override_settings


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


class StoredFilePermissionsTests(SimpleTestCase):
    def setUp(self) -> None:
        self.media = Path(tempfile.mkdtemp(prefix="qingling-media-"))
        self.addCleanup(shutil.rmtree, self.media, ignore_errors=True)
        override = override_settings(MEDIA_ROOT=str(self.media / "uploads"))
        override.enable()
        self.addCleanup(override.disable)
        self.umask = os.umask(0o022)  # a usual server umask: 0644 files, 0755 folders
        self.addCleanup(os.umask, self.umask)

    def test_a_small_upload_and_a_generated_file_are_owner_only_with_their_folders(
        self,
    ) -> None:
        names = [
            default_storage.save("intake/2026/11/a.png", SimpleUploadedFile("a.png", b"x")),
            default_storage.save("cases/documents/b.docx", ContentFile(b"docx")),
        ]
        for name in names:
            path = Path(default_storage.path(name))
            with self.subTest(name=name):
                self.assertEqual(mode(path), 0o600)
                folder = path.parent
                while folder != self.media:
                    self.assertEqual(mode(folder), 0o700, folder)
                    folder = folder.parent

    def test_a_large_upload_moved_from_the_temporary_folder_is_owner_only(self) -> None:
        upload = TemporaryUploadedFile("big.pdf", "application/pdf", 3, None)
        self.addCleanup(upload.close)
        upload.write(b"%PD")
        upload.seek(0)
        name = default_storage.save("inspections/big.pdf", upload)
        self.assertEqual(mode(Path(default_storage.path(name))), 0o600)
