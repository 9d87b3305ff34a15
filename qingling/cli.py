"""The ``qingling`` console script: the project's manage.py."""

import os
import sys

NOT_SET_UP = (
    "The database is not set up (or not up to date): run `make run` (or `qingling migrate`) "
    "first. 数据库尚未初始化或未更新：请先运行 `make run`（或 `qingling migrate`）。"
)


def _unmigrated() -> bool:
    """Whether the default database lacks migrations that the code has (asked afresh, so an
    error of another kind is not mistaken for a missing table)."""
    from django.db import DatabaseError, connection, connections
    from django.db.migrations.executor import MigrationExecutor

    connections.close_all()  # a failed statement must not poison the question
    try:
        executor = MigrationExecutor(connection)
        return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except DatabaseError:
        return False


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError, ProgrammingError

    argv = list(sys.argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")  # `qingling import-complaints` runs import_complaints
    try:
        execute_from_command_line(argv)
    except (OperationalError, ProgrammingError):
        # A command that reads a table the database does not have yet ("no such table",
        # "relation … does not exist", in whatever language the server speaks): say what to
        # do instead of a traceback. `migrate` itself reports its own errors.
        if len(argv) > 1 and argv[1] != "migrate" and _unmigrated():
            sys.stderr.write(NOT_SET_UP + "\n")
            sys.exit(1)
        raise


if __name__ == "__main__":
    main()
