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


@shared_task
def resume_pending_certificates() -> int:
    """Periodic: queue again certificates left pending while the broker was
    down or a worker died."""
    from .models import IssuanceBatch
    from .services import resume_pending

    # A finished batch whose zip could not be queued gets it now.
    for batch_id in IssuanceBatch.objects.filter(
        status=IssuanceBatch.Status.DONE, archive=""
    ).values_list("pk", flat=True)[:50]:
        archive_batch.delay(batch_id)
    return resume_pending()
