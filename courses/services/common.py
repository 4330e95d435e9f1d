"""Helpers shared by the course services."""

from django.db import IntegrityError, transaction

from courses.models import CourseCompletion, CoursePage, Enrolment
from courses.models.learning import CompletionStatus

DONE = CompletionStatus.COMPLETED


def _without_defaults(lookup: dict) -> dict:
    return {k: v for k, v in lookup.items() if k != "defaults"}


def get_or_create_row(model, **lookup):
    """get_or_create that survives a concurrent insert of the same row."""
    try:
        with transaction.atomic():
            return model.objects.get_or_create(**lookup)[0]
    except IntegrityError:
        return model.objects.get(**_without_defaults(lookup))


def locked_row(model, **lookup):
    """The row, created if missing, locked (select_for_update) until the
    transaction ends: recomputations of the same row queue behind each other.
    A row that exists (the usual case) costs one query."""
    row = model.objects.select_for_update().filter(**_without_defaults(lookup)).first()
    if row is not None:
        return row
    row = get_or_create_row(model, **lookup)
    return model.objects.select_for_update().get(pk=row.pk)


def enrol_where_unlocked(users, courses, source) -> None:
    """Enrol each user in each course whose prerequisites they have completed,
    and give those enrolments their (not started) completion rows, which
    reports read. Enrolments the office withdrew stay withdrawn."""
    course_ids = [c.pk for c in courses]
    prereqs: dict[int, set[int]] = {}
    through = CoursePage.prerequisites.through
    for row in through.objects.filter(from_coursepage_id__in=course_ids):
        prereqs.setdefault(row.from_coursepage_id, set()).add(row.to_coursepage_id)
    needed = set().union(*prereqs.values()) if prereqs else set()
    done: dict[int, set[int]] = {}
    for user_id, course_id in CourseCompletion.objects.filter(
        user__in=users, course_id__in=needed, status=DONE
    ).values_list("user_id", "course_id"):
        done.setdefault(user_id, set()).add(course_id)
    pairs = [
        (u, c)
        for u in users
        for c in courses
        if prereqs.get(c.pk, set()) <= done.get(u.pk, set())
    ]
    Enrolment.objects.bulk_create(
        [Enrolment(user=u, course=c, source=source) for u, c in pairs],
        ignore_conflicts=True,
    )
    from courses.selectors import lesson_counts

    totals = lesson_counts(courses)
    CourseCompletion.objects.bulk_create(
        [
            CourseCompletion(user=u, course=c, lessons_total=totals.get(c.pk, 0))
            for u, c in pairs
        ],
        ignore_conflicts=True,
    )
