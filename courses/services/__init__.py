"""Writes for courses: enrolment, progress, reflections and completion.

Completion is recomputed here whenever a learning event arrives and stored in
CourseCompletion / TrackCompletion rows; every hour earned becomes a HoursEntry.
All writes are idempotent and safe under concurrent events: the database holds
the unique constraints, and recomputation locks the completion row it rewrites.
"""

from .activities import statement_record, user_data_get, user_data_set
from .completion import (
    course_completion_recompute,
    placement_days_for,
    track_completion_recompute,
)
from .enrolment import (
    enrolment_create,
    enrolment_withdraw,
    missing_prerequisites,
    track_enrol,
    users_for_group,
)
from .progress import (
    lesson_check_completion,
    lesson_mark_complete,
    lesson_visit,
    reflection_review,
    reflection_submit,
)

__all__ = [
    "course_completion_recompute",
    "enrolment_create",
    "enrolment_withdraw",
    "lesson_check_completion",
    "lesson_mark_complete",
    "lesson_visit",
    "missing_prerequisites",
    "placement_days_for",
    "reflection_review",
    "reflection_submit",
    "statement_record",
    "track_completion_recompute",
    "track_enrol",
    "user_data_get",
    "user_data_set",
    "users_for_group",
]
