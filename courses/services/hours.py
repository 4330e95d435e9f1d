"""The credit-hours ledger: the one place HoursEntry rows are written."""

import datetime
from decimal import Decimal

from django.db import transaction

from courses.models import CoursePage, HoursEntry
from people.models import User

from .common import get_or_create_row


@transaction.atomic
def hours_entry_record(
    *,
    user: User,
    hours: Decimal,
    source: str,
    description: str,
    earned_on: datetime.date,
    course: CoursePage | None = None,
    created_by: User | None = None,
) -> HoursEntry:
    """Write one line of the user's credit-hours ledger.

    A completed course (source "course") earns its hours once: recording it
    again returns the existing line, also under concurrent events. Any other
    source writes a new line. The description is cut to the column's length.
    Raises ValidationError for a line the model refuses (hours out of range, a
    course line without a course)."""
    fields = {
        "hours": hours,
        "description": description[:200],
        "earned_on": earned_on,
        "created_by": created_by,
    }
    if source == HoursEntry.Source.COURSE and course is not None:
        return get_or_create_row(
            HoursEntry, user=user, course=course, source=source, defaults=fields
        )
    entry = HoursEntry(user=user, course=course, source=source, **fields)
    entry.full_clean()
    entry.save()
    return entry
