"""The time seam: legal deadlines are local dates in the bureau's time zone."""

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def local_today() -> dt.date:
    return timezone.localdate(timezone.now())
