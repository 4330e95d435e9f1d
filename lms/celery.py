"""The Celery application. Without CELERY_BROKER_URL, tasks run eagerly in-process.

Web processes and workers want different things from the broker. A request
that queues a task must not hang while Redis is down, so settings give up
after one retry (CELERY_BROKER_TRANSPORT_OPTIONS). A worker or beat has
nothing else to do: it waits for the broker as long as it takes, at start-up
and after losing it. Celery tells those processes apart itself: it sends
`celeryd_init` only in `celery worker` and `beat_init` only in `celery beat`,
both before their first connection, however they were started (systemd,
a shell, `celery multi`); web processes and `celery call`/`inspect` never
send them, so they keep the settings as they are.
"""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")

app = Celery("lms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The transport options that make a web process give up on the broker.
GIVE_UP_OPTIONS = ("max_retries", "interval_start", "connect_retries_timeout")


def wait_for_broker(conf, *, abort=None) -> None:
    """Make a worker or beat with configuration `conf` retry the broker for
    ever. `abort` is called while it waits (Celery's shutdown check), so that
    stopping the process still works during an outage."""
    conf.broker_connection_retry_on_startup = True
    conf.broker_connection_retry = True
    conf.broker_connection_max_retries = None
    options = {
        key: value
        for key, value in (conf.broker_transport_options or {}).items()
        if key not in GIVE_UP_OPTIONS
    }
    # kombu's default_channel (used by the worker's start-up steps, e.g.
    # looking for neighbours, and by publishing) otherwise stops retrying
    # after broker_connection_timeout and raises an error the worker does
    # not recover from ("Unrecoverable error").
    options["connect_retries_timeout"] = None
    if abort is not None:
        options["callback"] = abort
    conf.broker_transport_options = options


@signals.celeryd_init.connect
def worker_waits_for_broker(sender=None, conf=None, **kwargs):
    from celery.worker.state import maybe_shutdown

    wait_for_broker(conf, abort=maybe_shutdown)


@signals.beat_init.connect
def beat_waits_for_broker(sender=None, **kwargs):
    wait_for_broker(sender.app.conf)
