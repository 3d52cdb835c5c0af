"""gunicorn settings for Pista's web process (``gunicorn -c infra/gunicorn.conf.py
pista.wsgi:application``), from the environment:

- ``PORT`` (8000) and ``GUNICORN_BIND`` (``0.0.0.0:$PORT``)
- ``WEB_CONCURRENCY``: worker processes (default 2 x CPUs + 1, at most 8)
- ``GUNICORN_THREADS`` (4): threads per worker (``gthread``); database
  connections are persistent, one per thread, so processes x threads x replicas
  must stay below PgBouncer's (or PostgreSQL's) connection limit
- ``GUNICORN_TIMEOUT`` (30 s), ``GUNICORN_MAX_REQUESTS`` (2000, with jitter)
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 8)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"
# Pista's JSON logs carry the request id; keep gunicorn's access line short.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's worker heartbeat files in memory (tmpfs), not on a container's
# overlay disk (which can stall them) nor a read-only root filesystem.
SHM = "/dev/shm"  # noqa: S108  # nosec B108 - gunicorn's own heartbeat files
worker_tmp_dir = SHM if os.path.isdir(SHM) else None
