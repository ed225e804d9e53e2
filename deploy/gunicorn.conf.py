"""gunicorn settings for production (systemd: sanxiang-web.service). Values from the environment."""

import multiprocessing
import os

bind = os.environ.get("SANXIANG_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("SANXIANG_WORKERS", max(2, multiprocessing.cpu_count())))
worker_class = "gthread"
threads = int(os.environ.get("SANXIANG_THREADS", "4"))
timeout = 60  # large evidence uploads stream to disk; nginx buffers slow clients
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
