"""Writes for courses: enrolment, progress, reflections and completion.

Completion is recomputed here whenever a learning event arrives and stored in
CourseCompletion / TrackCompletion rows (and one TrackRequirementProgress row per
requirement kind, see courses.requirements); every hour earned becomes a
HoursEntry, written only by hours_entry_record (other apps call it too).
All writes are idempotent and safe under concurrent events: the database holds
the unique constraints, and recomputation locks the completion row it rewrites.
"""

from .activities import (
    StatementConflict,
    statement_record,
    user_data_get,
    user_data_set,
)
from .completion import (
    course_completion_recompute,
    track_completion_recompute,
    tracks_recompute_for,
)
from .enrolment import (
    enrolment_create,
    enrolment_withdraw,
    track_enrol,
    users_for_group,
)
from .hours import hours_entry_record
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
    "hours_entry_record",
    "lesson_check_completion",
    "lesson_mark_complete",
    "lesson_visit",
    "reflection_review",
    "reflection_submit",
    "StatementConflict",
    "statement_record",
    "track_completion_recompute",
    "track_enrol",
    "tracks_recompute_for",
    "user_data_get",
    "user_data_set",
    "users_for_group",
]
