"""gunicorn settings: `gunicorn -c config/gunicorn.py config.wsgi`.

Sync workers, one request at a time each, behind a buffering proxy (gunicorn's own
advice). A Venster request spends most of its time on the CPU, so a worker per core
and one more per core to use the time others wait for PostgreSQL and Redis.

Measured on the load benchmark (benchmarks/load.py --keep-alive), gthread workers
that keep each client's connection open were not faster: their selector and thread
pool cost about what the saved connection setup saved, and a worker holding two busy
clients' connections makes both wait twice as long, which raised p95 by half.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1))))
# A request that takes longer than this is killed with its worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
