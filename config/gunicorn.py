"""gunicorn settings for Cairn (`gunicorn -c config/gunicorn.py config.wsgi`).

Threaded workers: a page mostly waits on the database, and SQLite deployments want few processes.
"""

import multiprocessing
import os

bind = os.environ.get("CAIRN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("CAIRN_WORKERS", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("CAIRN_THREADS", "8"))
timeout = 60
graceful_timeout = 20
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
accesslog = os.environ.get("CAIRN_ACCESS_LOG") or None
errorlog = "-"


def post_worker_init(_worker: object) -> None:
    """Each worker reads the analytics copy in the background as it starts (analytics/store.py)."""
    from analytics.store import warm_in_background

    warm_in_background()
