"""System checks: misconfiguration fails at start-up, not on first use."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db.utils import DatabaseError


@register()
def data_key_check(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    if len(settings.QINGLING_DATA_KEY) < 32:
        return [
            Error(
                "No key for personal data.",
                hint="Set QINGLING_DATA_KEY (32+ characters) or QINGLING_DATA_KEY_FILE; "
                "`make run` writes var/data.key for a local demo.",
                id="qingling.E001",
            )
        ]
    return []


@register(Tags.database)
def calendar_next_year_check(
    app_configs: Sequence[AppConfig] | None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[CheckMessage]:
    """Warn when next year's holiday schedule is missing (run with --database default)."""
    if not databases:
        return []
    from qingling.core.selectors import calendar_next_year_missing

    try:
        missing = calendar_next_year_missing()
    except DatabaseError:  # not migrated yet
        return []
    if missing is None:
        return []
    return [
        Warning(
            f"The working-day calendar has no schedule for {missing}; deadlines that reach "
            f"into {missing} skip only weekends and the fixed-date holidays (1 Jan, 1–2 May, "
            "1–3 Oct) and are marked provisional.",
            hint=f"Import the State Council's {missing} schedule: "
            f"qingling workdays import FILE --year {missing} (docs/operations.md).",
            id="qingling.W001",
        )
    ]
