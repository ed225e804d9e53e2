"""gunicorn settings for production (systemd: sanxiang-web.service). Values from the environment."""

import multiprocessing
import os

bind = os.environ.get("SANXIANG_BIND", "127.0.0.1:8000")
# Sync workers, one request each, 2 × cores + 1 of them (docs/deploy.md §1, docs/performance.md API):
# nginx in front buffers slow clients, uploads and responses, so a worker only ever waits on the
# database. Measured on 2 cores at 16 connections, they answered at the same rate as gthread
# workers with a p95 of 1.2 × the median instead of 2–3 ×: no request waits behind a busy
# thread of its own process for the GIL (a thread holding the record log's lock included).
# SANXIANG_WORKER_CLASS=gthread with SANXIANG_THREADS brings threads back for I/O-heavy sites.
workers = int(os.environ.get("SANXIANG_WORKERS", 2 * multiprocessing.cpu_count() + 1))
worker_class = os.environ.get("SANXIANG_WORKER_CLASS", "sync")
threads = int(os.environ.get("SANXIANG_THREADS", "1"))
# a sync worker busy longer than this is restarted: 2 GB of evidence arrives from nginx's buffer
# at local speed and is hashed and stored well within it
timeout = int(os.environ.get("SANXIANG_WORKER_TIMEOUT", "300"))
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers to bound memory growth
max_requests_jitter = 200
forwarded_allow_ips = "127.0.0.1"  # nginx on the same host sets X-Forwarded-*
accesslog = "-"
errorlog = "-"
access_log_format = '{"remote":"%(h)s","request":"%(r)s","status":%(s)s,"bytes":%(B)s,"ms":%(M)s,"ua":"%(a)s"}'


def on_starting(server):
    # prometheus-client multi-process mode: an empty folder per start (docs/deploy.md §Metrics)
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)
        for name in os.listdir(folder):
            os.remove(os.path.join(folder, name))


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
