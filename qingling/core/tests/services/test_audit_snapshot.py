from django.test import TestCase

from qingling.core.models import Division
from qingling.core.services import audit_snapshot


class AuditSnapshotTests(TestCase):
    def test_records_a_foreign_key_by_its_id_without_loading_the_row(self) -> None:
        county = Division.objects.only("code", "name", "parent_id").get(code="220402")
        with self.assertNumQueries(0):
            snapshot = audit_snapshot(county, ("name", "parent"))
        self.assertEqual(snapshot, {"name": county.name, "parent": "220400"})

    def test_records_an_empty_foreign_key_as_none(self) -> None:
        province = Division.objects.get(code="220000")
        self.assertEqual(audit_snapshot(province, ("parent",)), {"parent": None})
