"""gunicorn settings: `gunicorn -c config/gunicorn.py config.wsgi`.

Carriers' planning systems send their requests over pooled connections. gunicorn's
sync workers close the connection after every request, so each request pays for a
new TCP connection and its teardown in the client, the kernel and the worker; on the
load benchmark that was a quarter of a booking's CPU. gthread workers keep a
connection open between requests. One thread per worker, because a Venster request
spends most of its time on the CPU, where a second thread only waits for the GIL;
more workers than cores keep the cores busy while a request waits for the database.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", str(4 * (os.cpu_count() or 1))))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Seconds an idle connection stays open; a pool's next request within it skips the
# connection setup. An idle connection costs a worker nothing but a file descriptor.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "20"))
# A request that takes longer than this is killed with its worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
