import json
from pathlib import Path

from django.test import SimpleTestCase

from qingling.api.v1 import api

COMMITTED = Path(__file__).resolve().parents[3] / "docs" / "openapi.json"


class OpenApiDocumentTests(SimpleTestCase):
    def test_matches_the_committed_document(self) -> None:
        """An API change must come with `make schema` and the new docs/openapi.json."""
        current = json.loads(json.dumps(api.get_openapi_schema(), sort_keys=True, default=str))
        committed = json.loads(COMMITTED.read_text())
        self.assertEqual(current, committed, "run `make schema` and commit docs/openapi.json")

    def test_every_operation_has_a_unique_operation_id(self) -> None:
        ids = [
            operation["operationId"]
            for path in api.get_openapi_schema()["paths"].values()
            for operation in path.values()
        ]
        self.assertEqual(len(ids), len(set(ids)))
