"""Helpers shared by tests in several apps."""

import os
import subprocess
import sys
import threading

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
