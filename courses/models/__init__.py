from .h5p import ActivityResult, H5PLibrary, H5PPackage, H5PUserData, XAPIStatement
from .learning import (
    CourseCompletion,
    Enrolment,
    HoursEntry,
    LessonProgress,
    Reflection,
    TrackCompletion,
    TrackEnrolment,
    TrackRequirementProgress,
)
from .pages import CourseCategory, CourseIndexPage, CoursePage, LessonPage
from .programmes import Audience, Programme, Track, TrackCourse

__all__ = [
    "ActivityResult",
    "H5PLibrary",
    "H5PPackage",
    "H5PUserData",
    "XAPIStatement",
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
    "TrackRequirementProgress",
]
