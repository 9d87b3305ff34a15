"""On PostgreSQL, a trigram index for the ledger's search by case number.

The search is ``number__icontains``, which PostgreSQL writes ``UPPER(number) LIKE
UPPER('%…%')``: a GIN index with ``pg_trgm``'s operator class on ``UPPER(number)`` answers
it without reading every case (reports.ledger). ``pg_trgm`` ships with PostgreSQL
(contrib) and is a trusted extension: the database's owner may create it. SQLite has no
such index; it reads the numbers.
"""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS case_number_trigram ON cases_case "
        "USING gin (UPPER(number) gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS case_number_trigram")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_case_totals_fill"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
