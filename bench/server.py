"""gunicorn for the benches: started on loopback with a production-like
environment, ready when ``/healthz`` answers, stopped politely."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"

# Every simulated buyer or visitor comes from one address: lift the per-address API limits.
ONE_ADDRESS_LIMITS_LIFTED = {
    "PISTA_API_RATE_PUBLIC_WRITES": "1000000/minute",
    "PISTA_API_RATE_PER_ADDRESS": "1000000/minute",
}


def server_env(**overrides: str) -> dict[str, str]:
    """This process's environment, production-like: DEBUG off, persistent
    database connections, quiet logs; then ``overrides``."""
    env = dict(os.environ)
    env.update(DJANGO_DEBUG="0", DATABASE_CONN_MAX_AGE="600", LOG_LEVEL="WARNING")
    env.update(overrides)
    return env


def static_collect(env: dict[str, str]) -> None:
    """Pages served with DEBUG off need collectstatic's manifest (incremental:
    quick when nothing changed)."""
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
        env=env,
        check=True,
    )


def gunicorn_start(
    app: str,
    *,
    port: int,
    env: dict[str, str],
    log: Path,
    workers: int,
    threads: int = 1,
    worker_class: str = "sync",
    keep_alive_s: int | None = None,
    ready_within_s: float = 60,
) -> subprocess.Popen:
    """gunicorn serving ``app`` (importable from the repository or ``bench/``)
    on ``127.0.0.1:port``, returned once it answers ``/healthz``."""
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        app,
        *("--pythonpath", str(BENCH)),
        *("--bind", f"127.0.0.1:{port}"),
        *("--worker-class", worker_class),
        *("--workers", str(workers)),
        *("--threads", str(threads)),
        *("--backlog", "2048"),
        *("--log-level", "warning"),
    ]
    if keep_alive_s is not None:
        command += ["--keep-alive", str(keep_alive_s)]
    process = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn
        command, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + ready_within_s
    while time.monotonic() < deadline and process.poll() is None:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            ready = conn.getresponse().status == 200
            conn.close()
            if ready:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit(f"gunicorn did not start; see {log}")


def gunicorn_stop(process: subprocess.Popen) -> None:
    """Stop gunicorn (or any child) gracefully, killing it after 20 s."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
