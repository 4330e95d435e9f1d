from .learning import (
    CourseCompletion,
    Enrolment,
    HoursEntry,
    LessonProgress,
    Reflection,
    TrackCompletion,
    TrackEnrolment,
)
from .pages import CourseCategory, CourseIndexPage, CoursePage, LessonPage
from .programmes import Audience, Programme, Track, TrackCourse

__all__ = [
    "Audience",
    "CourseCategory",
    "CourseCompletion",
    "CourseIndexPage",
    "CoursePage",
    "Enrolment",
    "HoursEntry",
    "LessonPage",
    "LessonProgress",
    "Programme",
    "Reflection",
    "Track",
    "TrackCompletion",
    "TrackCourse",
    "TrackEnrolment",
]
