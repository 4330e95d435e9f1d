"""Helpers shared by tests in several apps."""

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.db import connection, transaction

NGINX = "/usr/sbin/nginx"
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


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on, chosen by the system
    (outside the fixed ports of shared servers, e.g. Redis's 6379)."""

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ProcessLog:
    """The lines a child process writes to one stream, read in a thread so
    that a test can wait for a line while the process goes on."""

    def __init__(self, stream):
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream):
        for line in stream:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()

    def count(self, text: str) -> int:
        with self._changed:
            return sum(text in line for line in self.lines)

    def wait_for(self, text: str, *, times: int = 1, timeout: float = 60) -> None:
        """Wait until `text` has appeared in `times` lines."""
        with self._changed:
            found = self._changed.wait_for(
                lambda: sum(text in line for line in self.lines) >= times, timeout
            )
        assert found, f"{text!r} never appeared (x{times}):\n{self.text()[-4000:]}"

    def text(self) -> str:
        with self._changed:
            return "".join(self.lines)


class RedisServer:
    """A Redis server of a test's own on a free port, which the test may stop
    and start again (never the shared one on 6379)."""

    def __init__(self, folder=None):
        self.port = free_port()
        self.folder = folder
        self.process = None

    @property
    def url(self) -> str:
        return self.db(0)

    def db(self, number: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{number}"

    def start(self) -> None:

        import redis

        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"]
            + (["--dir", str(self.folder)] if self.folder else []),
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.02)
        raise AssertionError(f"redis-server on port {self.port} did not start")

    def stop(self) -> None:
        """Stop at once, as a crash or a restart of Redis would."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


def built_for_module(django_db_blocker, build):
    """For a module-scoped fixture: `yield from built_for_module(blocker, build)`
    yields build()'s result, made inside a transaction that is rolled back when
    the module ends. Each test (marked django_db) runs in a savepoint of its own
    inside it, so what a test changes is gone before the next one."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            data = build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield data
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
