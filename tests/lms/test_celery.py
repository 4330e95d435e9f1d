import os
import subprocess
import sys
import time

import pytest
from celery import Celery
from django.conf import settings
from django.core import mail

from lms.celery import app as celery_app
from people.tasks import send_email_message
from tests.helpers import ProcessLog, RedisServer


def test_tasks_run_in_process_in_tests_and_without_a_broker(settings):
    assert settings.CELERY_TASK_ALWAYS_EAGER is True
    assert celery_app.conf.task_always_eager is True
    send_email_message.delay(
        {"subject": "测试", "body": "正文", "from_email": "a@b.c", "to": ["x@y.z"]}
    )
    assert [m.subject for m in mail.outbox] == ["测试"]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_password_reset_email_is_sent_by_a_real_worker_over_redis(
    client, teacher, real_broker
):
    """The allauth adapter hands mail to Celery; a worker consuming from Redis
    delivers it. Nothing here runs eagerly."""
    from celery.contrib.testing.worker import start_worker

    with start_worker(celery_app, pool="solo", perform_ping_check=False):
        response = client.post("/accounts/password/reset/", {"email": teacher.email})
        assert response.status_code == 302
        deadline = time.monotonic() + 30
        while not mail.outbox and time.monotonic() < deadline:
            time.sleep(0.2)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [teacher.email]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def _app_from_settings() -> Celery:
    """A Celery app configured as lms.celery's, to change without touching
    the suite's own."""
    app = Celery("lms-copy", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    return app


def _retry_options(app: Celery) -> dict:
    """How kombu retries a lost connection when a channel is needed (worker
    start-up steps, publishing): max_retries and timeout (total seconds)."""
    return app.connection_for_write()._extract_failover_opts()


def test_web_processes_give_up_on_the_broker_quickly():
    options = _retry_options(celery_app)
    assert options["max_retries"] == 1
    assert options["timeout"] is not None


def test_worker_start_makes_it_wait_for_the_broker_for_ever():
    from celery import signals

    app = _app_from_settings()
    signals.celeryd_init.send(sender="celery@test", conf=app.conf, options={})
    options = _retry_options(app)
    assert "max_retries" not in options and options["timeout"] is None
    assert callable(options["callback"])  # still stops on SIGTERM meanwhile
    assert app.conf.broker_connection_max_retries is None
    assert app.conf.broker_connection_retry_on_startup is True
    # The suite's app, like a web process, is untouched.
    assert _retry_options(celery_app)["max_retries"] == 1


def test_beat_start_makes_it_wait_for_the_broker_for_ever():
    """Celery sends beat_init from beat's Service.start, before its first
    tick opens a connection."""
    from celery import signals
    from celery.beat import Service

    app = _app_from_settings()
    signals.beat_init.send(sender=Service(app=app))
    options = _retry_options(app)
    assert "max_retries" not in options and options["timeout"] is None
    assert app.conf.broker_connection_max_retries is None
    assert _retry_options(celery_app)["max_retries"] == 1


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def _start_worker(broker_url: str) -> subprocess.Popen:
    """`celery -A lms worker`, as deploy/systemd/lms-worker.service runs it,
    that also knows celery.ping (a task answering "pong")."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "CELERY_BROKER_URL": broker_url,
        "CELERY_RESULT_BACKEND": broker_url,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "lms", "worker", "--pool", "solo"]
        + ["--loglevel", "INFO", "--include", "celery.contrib.testing.tasks"],
        cwd=settings.BASE_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _stop(worker: subprocess.Popen) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


@pytest.mark.redis
@pytest.mark.parametrize("delay", [0.002, 0.005, 0.01])
def test_worker_waits_for_a_broker_that_drops_while_it_starts(
    own_redis, delay, monkeypatch
):
    """Redis stopping a few milliseconds into the worker's start-up (while it
    looks for its neighbours, its first use of the broker after connecting)
    made it exit with "Unrecoverable error", at some of these moments. It
    must wait for Redis, longer than a connection timeout if need be, and
    then work."""
    worker = _start_worker(own_redis.url)
    log = ProcessLog(worker.stderr)
    try:
        log.wait_for("mingle: searching for neighbors")
        time.sleep(delay)
        own_redis.stop()
        # Longer than broker_connection_timeout (4 s), after which a single
        # connection attempt gives up.
        time.sleep(5)
        assert worker.poll() is None, f"worker exited:\n{log.text()[-4000:]}"
        own_redis.start()
        # The environment's broker (the suite's Redis) outranks an app's own.
        monkeypatch.setenv("CELERY_BROKER_URL", own_redis.url)
        monkeypatch.setenv("CELERY_RESULT_BACKEND", own_redis.url)
        # No task stores a result (CELERY_TASK_IGNORE_RESULT), so the worker
        # is asked over the broker itself whether it consumes again.
        client = Celery(broker=own_redis.url)
        replies, deadline = [], time.monotonic() + 30
        while not replies and time.monotonic() < deadline:
            replies = client.control.ping(timeout=1)
        assert replies, f"worker never answered:\n{log.text()[-4000:]}"
        assert worker.poll() is None
        assert "Unrecoverable error" not in log.text()
    finally:
        _stop(worker)
