import time

import pytest
from django.core import mail

from lms.celery import app as celery_app
from people.tasks import send_email_message


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
