import logging

from celery import shared_task

logger = logging.getLogger(__name__)


def build_message(payload: dict):
    from django.core.mail import EmailMultiAlternatives

    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
    )
    for content, mimetype in payload.get("alternatives", []):
        message.attach_alternative(content, mimetype)
    return message


def send_now(payload: dict) -> bool:
    """Send one rendered email from this process (the broker is down). A mail
    server that is down too is logged, not raised: the page that sent it (a
    password reset) still answers, and the user can ask again."""
    try:
        build_message(payload).send()
    except OSError:
        logger.exception("Could not send email to %s.", ", ".join(payload["to"]))
        return False
    return True


@shared_task(bind=True, max_retries=5, default_retry_delay=60, acks_late=True)
def send_email_message(self, payload: dict) -> None:
    """Send one rendered email; retried when the mail server is unreachable."""
    try:
        build_message(payload).send()
    except OSError as exc:
        raise self.retry(exc=exc) from exc
