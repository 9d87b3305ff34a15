"""Gunicorn's settings in production: ``gunicorn -c config/gunicorn.py config.wsgi``.

``bench/intake_throughput.py`` serves with this file too, so the figures in
docs/performance.md are this configuration's. The address to bind is the deployment's
(``--bind``); a command-line option overrides the value here.
"""

import os

# Synchronous workers, one request at a time each. A request is Python work holding the
# GIL, so threads in one process mostly wait for each other; on SQLite a thread also
# waits for the write lock that another thread of its own process holds, sleeping in
# SQLite's busy handler. On 2 cores and SQLite, the same code served about 130
# complaints/s with p99 near 500 ms from 2 workers x 4 threads, and about 220/s with
# p99 under 150 ms from 3 synchronous workers (docs/performance.md, "Intake throughput
# over HTTP").
threads = 1
# One worker per core and one more, so that a long request (the ledger's XLSX export of
# 100,000 rows takes 24-31 s) never leaves a core without a worker.
workers = (os.cpu_count() or 1) + 1
# A synchronous worker is replaced when a request runs longer than this; gunicorn's
# default of 30 s would cut a large export off.
timeout = 300
