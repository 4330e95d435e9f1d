"""The participant's part: daily logs and submitting the reflection report."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from people.models import User

from ..models import Activity, Placement, PlacementLog
from .common import (
    EDITABLE,
    REPORT_MIN_CHARS,
    Status,
    lock_placement,
    move_placement,
    require_participant,
)


@transaction.atomic
def log_save(
    *,
    placement: Placement,
    actor: User,
    date: datetime.date,
    activities: list[str],
    did: str,
    learned: str,
    log: PlacementLog | None = None,
) -> PlacementLog:
    """Write one day's log (a new one, or `log` changed) for the participant.

    The day must lie within the placement and not in the future; one log per
    day; confirmed days and submitted placements are closed to changes. The
    first log starts a planned placement.
    Raises PermissionDenied for anyone but the participant, ValidationError
    otherwise."""
    placement = lock_placement(placement)
    require_participant(placement, actor)
    if placement.status not in EDITABLE:
        raise ValidationError(_("This placement has been submitted; logs are closed."))
    if log is not None and (log.placement_id != placement.pk or log.is_confirmed):
        raise ValidationError(_("A day the mentor has confirmed can no longer change."))
    _check_log_date(placement, date, log)
    unknown = set(activities) - set(Activity.values)
    if not activities or unknown:
        raise ValidationError(_("Choose at least one activity."))
    log = log or PlacementLog(placement=placement)
    log.date, log.activities = date, list(dict.fromkeys(activities))
    log.did, log.learned = did.strip(), learned.strip()
    log.full_clean()
    log.save()
    if placement.status == Status.PLANNED:
        move_placement(placement, Status.IN_PROGRESS, actor)
        placement.save(update_fields=["status", "updated_at"])
    return log


def _check_log_date(placement, date, log) -> None:
    if not placement.starts_on <= date <= placement.ends_on:
        raise ValidationError(
            _("The day must lie within the placement (%(start)s – %(end)s).")
            % {"start": placement.starts_on, "end": placement.ends_on}
        )
    if date > timezone.localdate():
        raise ValidationError(_("A day in the future cannot be logged yet."))
    others = placement.logs.filter(date=date)
    if log is not None:
        others = others.exclude(pk=log.pk)
    if others.exists():
        raise ValidationError(
            _("There is already a log for %(date)s; edit that one.") % {"date": date}
        )


@transaction.atomic
def log_delete(*, log: PlacementLog, actor: User) -> None:
    """Delete an unconfirmed log of an open placement (participant).
    Raises PermissionDenied or ValidationError."""
    placement = lock_placement(log.placement)
    require_participant(placement, actor)
    if placement.status not in EDITABLE or log.is_confirmed:
        raise ValidationError(_("This log can no longer be deleted."))
    from .attachments import delete_attachment_files

    files = list(log.attachments.all())
    log.delete()
    transaction.on_commit(lambda: [delete_attachment_files(a) for a in files])


@transaction.atomic
def placement_submit(*, placement: Placement, actor: User, report: str) -> Placement:
    """Submit the logs with the reflection report (研修总结) to the mentor.

    Needs at least one logged day and a report of REPORT_MIN_CHARS or more.
    Raises PermissionDenied for anyone but the participant, ValidationError
    when not in progress or returned, without logs or with a short report."""
    placement = lock_placement(placement)
    require_participant(placement, actor)
    if placement.status not in (Status.IN_PROGRESS, Status.RETURNED):
        raise ValidationError(_("Only a placement in progress can be submitted."))
    if not placement.logs.exists():
        raise ValidationError(_("Log at least one day before submitting."))
    report = report.strip()
    if len(report) < REPORT_MIN_CHARS:
        raise ValidationError(
            _("Write a reflection report of at least %(n)d characters.")
            % {"n": REPORT_MIN_CHARS}
        )
    placement.report = report
    placement.submitted_at = timezone.now()
    move_placement(placement, Status.SUBMITTED, actor)
    placement.save()
    return placement
