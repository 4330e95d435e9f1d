"""The demo catalog's courses, programme and tracks, and the seeding of their
pages and rows (matched by slug or code; a revision only when content differs)."""

import datetime
import uuid
from decimal import Decimal

from django.core.files.base import ContentFile
from wagtail.models import Page

from cms.models import HomePage

from ..h5p.quiz_package import DEMO_QUIZZES, build_quiz_package
from ..h5p.services import h5p_package_create, h5p_package_unpack
from ..models import (
    Audience,
    CourseIndexPage,
    CoursePage,
    H5PPackage,
    LessonPage,
    Track,
    TrackCourse,
)
from .content import (
    BLOCK_ID_NAMESPACE,
    ETHICS_LESSONS,
    ICT_LESSONS,
    INDEX_INTRO,
    LEFT_BEHIND_LESSONS,
    SCHOOL_RESEARCH_LESSONS,
    SKILLS_LESSONS,
    D,
    K,
    P,
)

# Courses ------------------------------------------------------------------------

ETH, SKL, LBC, ICT, SBR = (
    "HX-ETH-01",
    "HX-SKL-01",
    "HX-LBC-01",
    "HX-ICT-01",
    "HX-SBR-01",
)

# (code, slug, title, category, kind, delivery, credit hours, summary, lessons)
COURSES = [
    (ETH, "teacher-ethics", "新时代师德师风建设", "teacher-ethics", K.REQUIRED, D.ONLINE, 10,
     "学习《新时代中小学教师职业行为十项准则》和相关法律法规，结合民族地区乡村学校的实际，理解关爱学生、依法执教、廉洁从教的具体要求。",
     ETHICS_LESSONS),
    (SKL, "teaching-skills", "教育教学基本技能", "teaching-skills", K.REQUIRED, D.BLENDED, 12,
     "从教学目标出发设计一节课，练习有效提问与反馈，建立课堂常规，按“双减”要求设计作业。线上学习与送培到校的现场指导相结合。",
     SKILLS_LESSONS),
    (LBC, "left-behind-children", "留守儿童心理辅导", "left-behind-children", K.REQUIRED, D.ONLINE, 8,
     "认识留守儿童的情感需求，学会在课堂和班级中发现、关心和支持他们，做好家访和与外出务工父母的沟通，知道何时必须报告。",
     LEFT_BEHIND_LESSONS),
    (ICT, "ict-2", "信息技术应用能力提升工程2.0", "ict-2", K.ELECTIVE, D.BLENDED, 10,
     "了解工程2.0的目标、30个微能力点和“整校推进”的做法，在网络条件有限的乡村课堂中选用合适的信息技术，完成能力点的实践。",
     ICT_LESSONS),
    (SBR, "school-based-research", "同课异构与校本研修", "teaching-skills", K.ELECTIVE, D.BLENDED, 10,
     "以同课异构和课例研究为抓手，学习观课议课的方法，建立同步主题研训的校本研修制度。需先完成“教育教学基本技能”。",
     SCHOOL_RESEARCH_LESSONS),
]  # fmt: skip

PREREQUISITES = {SBR: [SKL]}

# Programme and tracks -----------------------------------------------------------

PROGRAMME = {
    "code": "lsnu-hongxi-2020",
    "name": "乐山师范学院美姑县洪溪片区“一对一”精准帮扶提升工程",
    "starts_on": datetime.date(2020, 6, 1),
    "ends_on": datetime.date(2022, 3, 31),
    "hours_per_placement_day": Decimal("6"),
}

# (code, name, audience, cohort, description, required, electives)
TRACKS = [
    ("seed-2020", "种子教师研修", Audience.SEED, "seed-2020",
     "面向洪溪片区学校的学科骨干教师：完成三门必修课程和不少于10学时的选修课程，并到乐山市结对学校跟岗研修不少于5天，"
     "在课堂教学、班级管理、校本研修等真实场景中反思提升，回校后带动本校学科建设和其他教师发展。",
     [ETH, SKL, LBC], [ICT, SBR]),
    ("principals-2020", "校长研修", Audience.PRINCIPALS, "principals-2020",
     "面向洪溪片区学校的校长和管理干部：完成两门必修课程和不少于10学时的选修课程，并到乐山市基地学校跟岗研修不少于5天，"
     "更新教育教学思想，提升办学治校能力。",
     [ETH, LBC], [ICT, SKL, SBR]),
]  # fmt: skip
TRACK_TERMS = {
    "min_elective_hours": Decimal("10"),
    "min_placement_days": 5,
    "opens_on": datetime.date(
        2020, 9, 21
    ),  # first on-site training, online study starts
    "closes_on": datetime.date(2022, 3, 31),
}


# Pages ---------------------------------------------------------------------------


def seed_index() -> CourseIndexPage:
    home = HomePage.objects.get(depth=2)
    index = CourseIndexPage.objects.child_of(home).filter(slug="courses").first()
    return _upsert_page(
        home, index, CourseIndexPage, slug="courses", title="课程目录",
        intro=INDEX_INTRO, show_in_menus=True,
    )  # fmt: skip


def seed_quiz_packages() -> dict[str, H5PPackage]:
    """One H5P quiz (our own LmsQuiz type) per course that has one, keyed by
    the course slug; built and unpacked once."""
    packages = {}
    for slug, quiz in DEMO_QUIZZES.items():
        package = H5PPackage.objects.filter(title=quiz["title"]).first()
        if package is None:
            package = h5p_package_create(
                title=quiz["title"],
                file=ContentFile(build_quiz_package(**quiz), name=f"{slug}.h5p"),
                by=None,  # the seed itself, which installs the quiz library
            )
        if not package.is_ready:
            # The seed runs in one transaction, so the after-commit unpack
            # would come too late for the demo's recorded attempts.
            package = h5p_package_unpack(package_id=package.pk)
        packages[slug] = package
    return packages


def _quiz_lesson(package: H5PPackage):
    return (
        "quiz", "课后小测", 10, "用几道选择题检查本课程的要点。",
        [P("<p>完成下面的小测验，得分达到 60% 即通过；可以多次作答，记录最高分。</p>"),
         ("h5p", {"title": package.title, "package": package.pk, "pass_mark": 60,
                  "instructions": "每道题选择一个答案，然后点击“提交答案”。"})],
    )  # fmt: skip


def seed_course(index, row, categories, quizzes) -> CoursePage:
    code, slug, title, category, kind, delivery, hours, summary, lessons = row
    if slug in quizzes:
        lessons = [*lessons, _quiz_lesson(quizzes[slug])]
    course = _upsert_page(
        index,
        CoursePage.objects.filter(code=code).first(),
        CoursePage,
        slug=slug,
        title=title,
        code=code,
        summary=summary,
        category=categories[category],
        kind=kind,
        audience=Audience.ALL,
        delivery=delivery,
        credit_hours=Decimal(hours),
        estimated_hours=Decimal(hours),
        completion_rule=CoursePage.CompletionRule.ALL_LESSONS,
        self_enrolment=True,
    )
    for lesson_slug, lesson_title, minutes, lesson_summary, blocks in lessons:
        _upsert_page(
            course,
            LessonPage.objects.child_of(course).filter(slug=lesson_slug).first(),
            LessonPage,
            slug=lesson_slug,
            title=lesson_title,
            summary=lesson_summary,
            estimated_minutes=minutes,
            body=_body(f"{code}/{lesson_slug}", blocks),
        )
    return course


def _body(key: str, blocks) -> list[dict]:
    """StreamField raw data with ids fixed by lesson, block type and position."""
    seen: dict[str, int] = {}
    body = []
    for block_type, value in blocks:
        seen[block_type] = seen.get(block_type, 0) + 1
        name = f"{key}/{block_type}/{seen[block_type]}"
        block_id = str(uuid.uuid5(BLOCK_ID_NAMESPACE, name))
        body.append({"type": block_type, "value": value, "id": block_id})
    return body


def _upsert_page(parent: Page, page: Page | None, model, **fields) -> Page:
    """Create the page under its parent, or publish a new revision of it when
    any field differs; an unchanged page gets no new revision."""
    if page is None:
        page = model(**fields)
        parent.add_child(instance=page)
        page.save_revision().publish()
        return page
    if all(_same(getattr(page, name), value) for name, value in fields.items()):
        return page
    for name, value in fields.items():
        setattr(page, name, value)
    page.draft_title = page.title
    page.save_revision().publish()
    return page


def _same(current, wanted) -> bool:
    if hasattr(current, "raw_data"):  # a StreamField value
        return list(current.raw_data) == wanted
    return current == wanted


def set_prerequisites(course: CoursePage, needed: list[CoursePage]) -> None:
    if set(course.prerequisites.values_list("pk", flat=True)) == {c.pk for c in needed}:
        return
    course.prerequisites.set(needed)
    course.save_revision().publish()


# Tracks --------------------------------------------------------------------------


def seed_track(programme, row, courses) -> Track:
    code, name, audience, _cohort, description, required, electives = row
    track, _ = Track.objects.update_or_create(
        code=code,
        defaults={
            "programme": programme,
            "name": name,
            "audience": audience,
            "description": description,
            **TRACK_TERMS,
        },
    )
    wanted = [(c, True) for c in required] + [(c, False) for c in electives]
    for position, (course_code, is_required) in enumerate(wanted):
        TrackCourse.objects.update_or_create(
            track=track,
            course=courses[course_code],
            defaults={"is_required": is_required, "sort_order": position},
        )
    TrackCourse.objects.filter(track=track).exclude(
        course__code__in=[c for c, _ in wanted]
    ).delete()
    return track
