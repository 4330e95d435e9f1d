from celery import shared_task


# No results are stored: nobody reads them, and queueing with a result store
# that is down (the same Redis as the broker) would hang the request.
@shared_task(
    bind=True,
    acks_late=True,
    ignore_result=True,
    max_retries=5,
    default_retry_delay=30,
)
def render_certificate(self, certificate_id: int) -> None:
    """Render one certificate's PDF; idempotent, so a retried or redelivered
    task (a killed worker) never makes a second certificate or file."""
    from .bulk import batch_finish_if_done
    from .services import certificate_render

    certificate = certificate_render(certificate_id=certificate_id)
    if certificate is not None and certificate.batch_id:
        batch_finish_if_done(certificate.batch_id)


@shared_task(acks_late=True, ignore_result=True)
def archive_batch(batch_id: int) -> None:
    from .bulk import batch_archive

    batch_archive(batch_id)


@shared_task(acks_late=True, ignore_result=True)
def resume_batch(batch_id: int) -> None:
    """Queued by the sweep (core.jobs) for a batch that seems stuck."""
    from .bulk import batch_resume

    batch_resume(batch_id)
