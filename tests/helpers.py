"""Helpers shared by tests in several apps."""

import threading

from django.db import connection


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
