"""The time seam: legal deadlines are local dates in the bureau's time zone.

Every service asks ``now()`` / ``local_today()`` rather than ``timezone.now()``, so that
one override moves the whole platform's sense of "now". ``frozen_at`` is that override:
the replay of a past season (``qingling scenario``) runs each day's events inside
``with clock.frozen_at(moment):``, and the services then stamp received, decided,
replied, opened, paid, published, boarded … at ``moment``. Tests keep using
time_machine, which also moves Django's own ``timezone.now``.

What does *not* follow the override: columns whose default Django fills from
``timezone.now`` itself (``TimeStampedModel.created_at`` by its default,
``updated_at`` by ``auto_now``). They record when a row was written; a service whose
figure is counted by one of them passes ``clock.now()`` explicitly (the audit log's
``at``, a posting's ``created_at``), which is the same instant outside a replay.
"""

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar

from django.utils import timezone

_frozen: ContextVar[dt.datetime | None] = ContextVar("qingling_clock_frozen", default=None)


def now() -> dt.datetime:
    return _frozen.get() or timezone.now()


def local_today() -> dt.date:
    return timezone.localdate(now())


@contextlib.contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[dt.datetime]:
    """Make ``now()`` return ``moment`` (an aware datetime) inside the block; nestable."""
    if timezone.is_naive(moment):
        raise ValueError("frozen_at needs an aware datetime")
    token = _frozen.set(moment)
    try:
        yield moment
    finally:
        _frozen.reset(token)


@contextlib.contextmanager
def living_on(day: dt.date) -> Iterator[dt.datetime]:
    """Run the block on ``day`` at the real local time of day (a demo database's clock)."""
    real = timezone.localtime(timezone.now())
    with frozen_at(real.replace(year=day.year, month=day.month, day=day.day)) as moment:
        yield moment
