"""Helpers shared by tests in several apps."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.db import connection

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def run_with_production_settings(args, **env) -> subprocess.CompletedProcess:
    """Run `python <args>` with lms.settings.production and only the
    environment given here for the settings a deployment must set."""
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "LMS_DEMO", "ALLOWED_HOSTS"}
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env={**base, "DJANGO_SETTINGS_MODULE": "lms.settings.production", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def at_once(event, times):
    """Run event(i) in `times` threads released together; return the results
    and re-raise any error. Each thread closes its own connection."""
    barrier = threading.Barrier(times)
    results, errors = [None] * times, []

    def run(i):
        try:
            barrier.wait(timeout=10)
            results[i] = event(i)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    assert errors == []
    return results


@contextlib.contextmanager
def celery_broker(url: str):
    """Send tasks to the Redis at `url` (broker and result store) instead of
    running them in-process. CELERY_BROKER_URL and CELERY_RESULT_BACKEND in the
    environment outrank the app's configuration, so they are replaced too, and
    the cached producer pools and result backend are set aside so nothing
    reaches another Redis."""
    from lms.celery import app as celery_app

    conf, names = celery_app.conf, ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")
    saved_conf = (conf.task_always_eager, conf.broker_url, conf.result_backend)
    saved_env = {name: os.environ.get(name) for name in names}
    saved_cache = (
        celery_app._pool,
        celery_app.amqp._producer_pool,
        celery_app._backend_cache,
        getattr(celery_app._local, "backend", None),
    )
    conf.task_always_eager = False
    conf.broker_url = conf.result_backend = url
    os.environ.update(dict.fromkeys(names, url))
    celery_app._pool = celery_app.amqp._producer_pool = None
    celery_app._backend_cache = celery_app._local.backend = None
    try:
        yield
    finally:
        # kombu keeps the pools by URL for the next test, so they are dropped,
        # not closed.
        conf.task_always_eager, conf.broker_url, conf.result_backend = saved_conf
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        celery_app._pool, celery_app.amqp._producer_pool = saved_cache[:2]
        celery_app._backend_cache, celery_app._local.backend = saved_cache[2:]


class RedisServer:
    """A Redis server of the test's own on `port` (never the shared one), that
    the test may stop and start again."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}"
        self.process = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is needed (Debian package redis-server)"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        """Kill it as a crash would (no shutdown, connections reset)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
