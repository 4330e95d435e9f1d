from celery import shared_task


@shared_task(bind=True, max_retries=5, default_retry_delay=60, acks_late=True)
def send_email_message(self, payload: dict) -> None:
    """Send one rendered email; retried when the mail server is unreachable."""
    from django.core.mail import EmailMultiAlternatives

    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
    )
    for content, mimetype in payload.get("alternatives", []):
        message.attach_alternative(content, mimetype)
    try:
        message.send()
    except OSError as exc:
        raise self.retry(exc=exc) from exc
