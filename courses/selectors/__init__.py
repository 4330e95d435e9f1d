"""Reads for courses: catalog, course and lesson pages, "My learning".
Each runs a fixed number of queries whatever the number of rows."""

from .catalog import FILTERS, catalog_for, catalog_url, lesson_counts
from .learning import (
    TrackSummary,
    group_enrol_preview,
    my_learning,
    pending_reflections_for,
)
from .pages import (
    LessonState,
    activity_iri,
    activity_player_options,
    activity_summary,
    can_read_document,
    course_page_context,
    enrolled_and_started,
    enrolled_in_course_of,
    lesson_page_context,
    missing_prerequisites,
    next_lesson,
    offline_urls,
)

__all__ = [
    "FILTERS",
    "LessonState",
    "TrackSummary",
    "activity_iri",
    "activity_player_options",
    "offline_urls",
    "activity_summary",
    "can_read_document",
    "catalog_for",
    "catalog_url",
    "course_page_context",
    "enrolled_and_started",
    "enrolled_in_course_of",
    "group_enrol_preview",
    "lesson_counts",
    "lesson_page_context",
    "missing_prerequisites",
    "my_learning",
    "next_lesson",
    "pending_reflections_for",
]
