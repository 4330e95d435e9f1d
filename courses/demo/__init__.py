"""Demo data for courses: the catalog of the 2020 programme (乐师院继教〔2020〕13号)
with its four modules and one elective, the seed-teacher and principal tracks,
and varied progress for the demo teachers, all written through the services.

Idempotent: pages are matched by slug or course code and a new revision is
published only when content differs; learning events are sent only when they
would change something, so a second run writes nothing."""

from ..models import CourseCategory, CourseIndexPage, Programme
from .catalog import (
    COURSES,
    PREREQUISITES,
    PROGRAMME,
    TRACKS,
    seed_course,
    seed_index,
    seed_quiz_packages,
    seed_track,
    set_prerequisites,
)
from .content import CATEGORIES
from .progress import seed_progress


def seed() -> CourseIndexPage:
    """Create or bring up to date the catalog, tracks and demo progress."""
    index = seed_index()
    categories = {
        code: CourseCategory.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": n}
        )[0]
        for n, (code, name, name_en) in enumerate(CATEGORIES, start=1)
    }
    quizzes = seed_quiz_packages()
    courses = {row[0]: seed_course(index, row, categories, quizzes) for row in COURSES}
    for code, needed in PREREQUISITES.items():
        set_prerequisites(courses[code], [courses[c] for c in needed])
    programme, _ = Programme.objects.update_or_create(
        code=PROGRAMME["code"], defaults=PROGRAMME
    )
    tracks = {row[0]: seed_track(programme, row, courses) for row in TRACKS}
    seed_progress(courses, tracks)
    return index
