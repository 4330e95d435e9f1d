from celery import shared_task


# No results are stored: nobody reads them, and a result store that is down
# (the same Redis as the broker) must not hang the request that queues.
@shared_task(acks_late=True, ignore_result=True)
def write_export(job_id: int) -> None:
    """Write one export job's file; idempotent, so a redelivered task (a
    killed worker) never makes a second job or file."""
    from .services import export_job_run

    export_job_run(job_id=job_id)
