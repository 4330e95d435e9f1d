"""core.tasks: queueing never fails a request when the broker is down."""

import logging

import pytest
from celery import shared_task

from core.tasks import enqueue, enqueue_each_after_commit
from tests.helpers import celery_broker

UNREACHABLE = "redis://127.0.0.1:1/0"
ran = []


@shared_task
def note(value):
    ran.append(value)


@pytest.fixture(autouse=True)
def _clean(caplog, monkeypatch):
    ran.clear()
    # A real worker started by an earlier test reconfigures logging.
    monkeypatch.setattr(logging.getLogger("core.tasks"), "disabled", False)
    caplog.set_level(logging.WARNING, logger="core.tasks")


def test_enqueue_runs_in_process_without_a_broker():
    assert enqueue(note, 1) is True
    assert ran == [1]


def test_enqueue_with_the_broker_down_calls_the_fallback(caplog):
    with celery_broker(UNREACHABLE):
        assert enqueue(note, 2, fallback=lambda: ran.append("fallback")) is False
    assert ran == ["fallback"]
    assert "Broker unreachable" in caplog.text


@pytest.mark.django_db
def test_each_after_commit_stops_at_the_first_refusal(
    caplog, django_capture_on_commit_callbacks
):
    with celery_broker(UNREACHABLE), django_capture_on_commit_callbacks(execute=True):
        enqueue_each_after_commit(note, [1, 2, 3], what="notes")
    assert ran == []
    assert "3 notes stay pending" in caplog.text


@pytest.mark.django_db
def test_each_after_commit_keeps_going_past_a_failing_in_process_run(
    django_capture_on_commit_callbacks,
):
    @shared_task
    def picky(value):
        if value == 2:
            raise RuntimeError("boom")
        ran.append(value)

    with django_capture_on_commit_callbacks(execute=True):
        enqueue_each_after_commit(picky, [1, 2, 3], what="picks")
    assert ran == [1, 3]
