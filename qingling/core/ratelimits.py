"""Counting attempts per key in fixed windows, shared by every server process.

``rate_limit_hit(key=…, limit=…, window=…)`` counts one attempt under ``key`` and
says whether it goes over ``limit`` attempts in the current window of ``window``
seconds (windows are aligned to the epoch: 10:00–11:00 for an hour). Keys name
what is limited and for whom, e.g. ``personal_data:user:42`` or, for a public
form, ``web_intake:ip:203.0.113.7``; one helper serves them all.

Why slots and not ``cache.incr``: the counters live in the ``ratelimits`` cache,
a database table like the default cache so that every gunicorn worker and the
worker process see the same counts. Django's ``DatabaseCache.incr`` is a read
then a write, so two processes counting at once both write 6 where 7 was due,
and a script firing requests in parallel would slip past the limit. Each
attempt therefore claims the first free *slot* ``<key>:<window>:<n>`` for
``n`` = 1 … ``limit`` with ``cache.add``, which only one process can win for a
slot (an INSERT on the cache table's primary key; an atomic add on Redis or
memcached). Claimed slots always form a prefix, so a non-atomic hint of how many
are taken (``<key>:<window>:n``) only saves work: a stale hint costs a few more
``add`` calls, never an extra attempt. An attempt refused for being over the
limit claims nothing. Inside a transaction the claim commits or rolls back with
it, so an attempt whose work fails is not counted.

A fixed window lets a patient caller make ``limit`` attempts at 10:59 and
``limit`` more at 11:00; limits are set with that in mind (twice the limit in a
moment, never more than ``limit`` per window on average).
"""

import time

from django.core.cache import caches

CACHE_ALIAS = "ratelimits"


def _window_start(window: int) -> int:
    return int(time.time()) // window * window


def rate_limit_hit(*, key: str, limit: int, window: int) -> bool:
    """Count one attempt under ``key``; True when it is over ``limit`` per ``window``
    seconds and must be refused (a refused attempt is not counted)."""
    if limit <= 0:
        return True
    cache = caches[CACHE_ALIAS]
    start = _window_start(window)
    base = f"{key}:{start}"
    timeout = max(start + window - int(time.time()), 1)
    taken = cache.get(f"{base}:n", 0)
    for slot in range(min(int(taken), limit) + 1, limit + 1):
        if cache.add(f"{base}:{slot}", 1, timeout=timeout):
            cache.set(f"{base}:n", slot, timeout=timeout)
            return False
    return True


def rate_limit_retry_after(*, window: int) -> int:
    """Seconds until the current window of ``window`` seconds ends and counting starts
    afresh: what a refused caller is told to wait."""
    return max(_window_start(window) + window - int(time.time()), 1)
