"""The data the authorization matrix asks about, built once per test module.

Everything that belongs to someone belongs to `owner`, a teacher of school A.
The people asking are another teacher of school A, the principal of school B,
a host-school mentor, a trainer and a programme-office member (and nobody).
So whatever a requester other than the office (or a trainer reviewing work)
sees of the owner is a leak, and whatever they change of it is a hole.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents import get_document_model

from certificates.models import AuditEntry, IssuanceBatch
from cms.models import ContentPage, HomePage
from courses import services
from courses.h5p.embed import embed_token
from courses.h5p.quiz_package import DEMO_QUIZZES, build_quiz_package
from courses.h5p.services import h5p_package_create, h5p_package_unpack
from courses.models import CourseIndexPage, CoursePage, LessonPage, Reflection
from people.models import Role, School
from placements import services as placement_services
from placements.attachments import attachment_add
from placements.models import PlacementRound
from reports.models import ExportJob
from reports.storage import export_name
from tests.factories import (
    CertificateFactory,
    CertificateTemplateFactory,
    CohortFactory,
    CourseCategoryFactory,
    PairingFactory,
    ProfileFactory,
    SchoolFactory,
    TrackCourseFactory,
    TrackFactory,
    UserFactory,
)
from tests.fixtures.people import with_totp

# What only the owner, the office (and a reviewing trainer) may ever see.
OWNER_NAME = "所有者ꀊꁨ甲"
OWNER_REFLECTION = "只属于所有者的研修反思内容甲乙丙"
OWNER_SERIAL = "HX-2021-900001"
PROMPT_ID = "matrix-prompt"
ACTIVITY_ID = "matrix-quiz"
ROLES = ("anon", "teacher", "principal", "mentor", "trainer", "office")


def _person(role, school, **user_fields):
    user = UserFactory(**user_fields)
    ProfileFactory(user=user, role=role, school=school)
    return user


def _pages(h5p_package, category, document):
    home = HomePage.objects.get(depth=2)
    content = home.add_child(instance=ContentPage(title="项目简介", slug="about"))
    catalog = home.add_child(instance=CourseIndexPage(title="课程目录", slug="courses"))
    course = catalog.add_child(
        instance=CoursePage(
            title="留守儿童心理辅导", slug="care", code="M-CARE", summary="简介",
            category=category, credit_hours=Decimal("2.0"),
            estimated_hours=Decimal("2.0"),
        )
    )  # fmt: skip
    text = course.add_child(
        instance=LessonPage(
            title="第一课",
            slug="one",
            body=[
                {"type": "paragraph", "value": "<p>正文</p>"},
                {"type": "document", "value": {"document": document.pk}},
            ],
        )
    )
    reflection = course.add_child(
        instance=LessonPage(
            title="写体会",
            slug="reflect",
            body=[
                {
                    "type": "reflection",
                    "id": PROMPT_ID,
                    "value": {"prompt": "<p>写一写体会</p>", "min_chars": 5},
                }
            ],
        )
    )
    quiz = course.add_child(
        instance=LessonPage(
            title="小测验",
            slug="quiz",
            body=[
                {
                    "type": "h5p",
                    "id": ACTIVITY_ID,
                    "value": {"title": "测验", "package": h5p_package.pk,
                              "pass_mark": 60},
                }
            ],
        )
    )  # fmt: skip
    draft = course.add_child(
        instance=LessonPage(title="草稿", slug="draft", body=[], live=False)
    )
    reload = LessonPage.objects.get
    return SimpleNamespace(
        home=home, content=content, catalog=catalog, course=course,
        lesson=reload(pk=text.pk), reflection_lesson=reload(pk=reflection.pk),
        quiz_lesson=reload(pk=quiz.pk), draft_lesson=reload(pk=draft.pk),
    )  # fmt: skip


def _h5p_package():
    data = build_quiz_package(**DEMO_QUIZZES["teacher-ethics"])
    package = h5p_package_create(
        title="矩阵测验", file=ContentFile(data, name="matrix.h5p"), by=None
    )
    # The unpacking waits for a commit that never comes inside the test's
    # transaction; run it now.
    return h5p_package_unpack(package_id=package.pk)


def _placement(owner, host, programme, people):
    """The owner's placement with a log and a photo, mentored by someone other
    than the matrix's mentor (who is a stranger to it)."""
    own_mentor = _person(Role.MENTOR, host)
    placement_round = PlacementRound.objects.create(
        programme=programme, name="矩阵跟岗批次",
        starts_on=datetime.date(2020, 10, 19), ends_on=datetime.date(2020, 10, 30),
    )  # fmt: skip
    (placement,) = placement_services.placements_plan(
        placement_round=placement_round, participants=[owner], host_school=host,
        mentor=own_mentor, focus="teaching", starts_on=placement_round.starts_on,
        ends_on=placement_round.ends_on, actor=people["office"],
    )  # fmt: skip
    log = placement_services.log_save(
        placement=placement, actor=owner, date=placement.starts_on,
        activities=["observed"], did=OWNER_REFLECTION, learned="提问要等待",
    )  # fmt: skip
    photo = SimpleUploadedFile("课堂.png", _png(), content_type="image/png")
    attachment = attachment_add(log=log, actor=owner, upload=photo)
    return placement, log, attachment


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
    return buffer.getvalue()


def build_world() -> SimpleNamespace:
    school_a = SchoolFactory(name="甲校", kind=School.Kind.VILLAGE_PRIMARY)
    school_b = SchoolFactory(name="乙校", kind=School.Kind.CENTRAL_PRIMARY)
    host = SchoolFactory(name="东道主学校", kind=School.Kind.HOST)
    university = SchoolFactory(name="师范学院", kind=School.Kind.UNIVERSITY)
    pairing = PairingFactory(supported_school=school_a, host_school=host)
    owner = _person(Role.TEACHER, school_a, name=OWNER_NAME, username="owner-a")
    people = {
        "teacher": _person(Role.TEACHER, school_a),
        "principal": _person(Role.PRINCIPAL, school_b),
        "mentor": _person(Role.MENTOR, host),
        "trainer": _person(Role.TRAINER, university),
        # Office staff and administrators must have two-factor authentication.
        "office": with_totp(_person(Role.OFFICE, university)),
    }
    admin = with_totp(
        UserFactory(is_superuser=True, is_staff=True, username="matrix-admin")
    )
    cohort = CohortFactory()
    cohort.members.add(owner)
    category = CourseCategoryFactory()
    package = _h5p_package()
    assert package.is_ready, package.error if hasattr(package, "error") else package
    # A handout in the first lesson: private to the course's learners.
    document = get_document_model().objects.create(
        title="研修手册", file=ContentFile(b"handbook", name="handbook.txt")
    )
    pages = _pages(package, category, document)
    track = TrackFactory()
    TrackCourseFactory(track=track, course=pages.course)
    for learner in (owner, people["teacher"]):
        services.enrolment_create(user=learner, course=pages.course)
    services.reflection_submit(
        user=owner,
        lesson=pages.reflection_lesson,
        block_id=PROMPT_ID,
        text=OWNER_REFLECTION,
    )
    template = CertificateTemplateFactory()
    certificate = CertificateFactory(
        holder=owner, serial=OWNER_SERIAL, track=track, template=template
    )
    batch = IssuanceBatch.objects.create(
        track=track, template=template, created_by=people["office"]
    )
    batch.archive.save("matrix.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18))
    audit = AuditEntry.objects.create(
        action="issue", actor=people["office"], certificate=certificate
    )
    placement, log, attachment = _placement(owner, host, track.programme, people)
    export_job = ExportJob.objects.create(
        requested_by=people["office"], table="schools", fmt="csv",
        params={"track": track.pk}, fingerprint="matrix", title="矩阵导出",
    )  # fmt: skip
    export_job.file.save(
        export_name(export_job), ContentFile("学校\r\n甲校\r\n".encode("utf-8-sig"))
    )
    ExportJob.objects.filter(pk=export_job.pk).update(status=ExportJob.Status.DONE)
    export_job.refresh_from_db()
    return SimpleNamespace(
        school_a=school_a, school_b=school_b, host=host, university=university,
        pairing=pairing, owner=owner, admin=admin, cohort=cohort,
        category=category, package=package, track=track,
        programme=track.programme, template=template, certificate=certificate,
        batch=batch, audit=audit, document=document, placement=placement,
        placement_round=placement.round, log=log, attachment=attachment,
        export_job=export_job,
        h5p_asset=package.assets["js"],
        h5p_versioned=package.assets["libraries"]["H5P.LmsQuiz-1.0"],
        h5p_token=embed_token(
            user=owner, lesson=pages.quiz_lesson, block_id="matrix-quiz",
            package=package,
        ),
        reflection=Reflection.objects.get(user=owner),
        people=people, today=datetime.date.today(), **vars(pages),
    )  # fmt: skip
