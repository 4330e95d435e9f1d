import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from people.models import Cohort, Pairing, Profile, Role, School, User

PASSWORD = "correct-horse-battery"


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    code = factory.Sequence(lambda n: f"school-{n}")
    name = factory.Sequence(lambda n: f"测试学校{n}")
    kind = School.Kind.VILLAGE_PRIMARY
    county = "美姑县"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"测试用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    role = Role.TEACHER
    school = factory.SubFactory(SchoolFactory)

    @factory.post_generation
    def role_group(obj, create, extracted, **kwargs):
        if create:
            obj.user.groups.add(Group.objects.get(name=obj.role))


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    code = factory.Sequence(lambda n: f"cohort-{n}")
    name = factory.Sequence(lambda n: f"2020 研修组{n}")
    year = 2020


class PairingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pairing

    supported_school = factory.SubFactory(SchoolFactory)
    host_school = factory.SubFactory(SchoolFactory, kind=School.Kind.HOST)
    starts_on = datetime.date(2020, 6, 1)
    ends_on = datetime.date(2022, 3, 31)


class CourseCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "courses.CourseCategory"

    code = factory.Sequence(lambda n: f"category-{n}")
    name = factory.Sequence(lambda n: f"课程类别{n}")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "courses.Programme"

    code = factory.Sequence(lambda n: f"programme-{n}")
    name = factory.Sequence(lambda n: f"一对一帮扶项目{n}")
    starts_on = datetime.date(2020, 6, 1)
    ends_on = datetime.date(2022, 3, 31)


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "courses.Track"

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"track-{n}")
    name = factory.Sequence(lambda n: f"研修方案{n}")
    opens_on = datetime.date(2020, 6, 1)
    closes_on = datetime.date(2022, 3, 31)


class TrackCourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "courses.TrackCourse"

    track = factory.SubFactory(TrackFactory)
    course = factory.SubFactory("tests.factories.CoursePageFactory")
    is_required = True


class HoursEntryFactory(factory.django.DjangoModelFactory):
    """An office adjustment by default; course entries come from the services."""

    class Meta:
        model = "courses.HoursEntry"

    user = factory.SubFactory(UserFactory)
    hours = 1
    source = "adjustment"
    description = "学时调整"
    earned_on = datetime.date(2021, 3, 1)


class CertificateTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "certificates.CertificateTemplate"

    name = factory.Sequence(lambda n: f"结业证书模板{n}")
    body = "兹证明 {holder_name}（{school}）完成 {subject}，共 {hours} 学时。"
    serial_prefix = "LSNU"
    issuer_name = "乐山师范学院"


class CertificateFactory(factory.django.DjangoModelFactory):
    """An issued track certificate with a stored (stand-in) PDF. Pass
    status="pending", pdf="" for one whose PDF is not rendered yet."""

    class Meta:
        model = "certificates.Certificate"

    serial = factory.Sequence(lambda n: f"HX-2021-{n + 1:06d}")
    holder = factory.SubFactory(UserFactory)
    holder_name = factory.LazyAttribute(lambda c: c.holder.name)
    holder_school = factory.LazyAttribute(
        lambda c: getattr(
            getattr(getattr(c.holder, "profile", None), "school", None), "name", ""
        )
    )
    track = factory.SubFactory(TrackFactory)
    subject = factory.LazyAttribute(lambda c: c.track.name)
    hours = 48
    issued_on = datetime.date(2021, 12, 20)
    template = factory.SubFactory(CertificateTemplateFactory)
    status = "issued"
    pdf = factory.django.FileField(data=b"%PDF-1.4 test\n%%EOF\n", filename="c.pdf")


# Audit trail -------------------------------------------------------------------


class AuditEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.AuditEvent"

    action = "login"
    actor = factory.SubFactory(UserFactory)


class AuditEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "certificates.AuditEntry"

    action = "issue"
    actor = factory.SubFactory(UserFactory)
    certificate = factory.SubFactory(CertificateFactory)


# The page tree -------------------------------------------------------------------


def home_page():
    """The site's home page, made by the cms migrations."""
    from cms.models import HomePage

    return HomePage.objects.get(depth=2)


class PageFactory(factory.django.DjangoModelFactory):
    """A Wagtail page, added under `parent` in the page tree (add_child), live
    unless live=False. The parent defaults to each factory's natural one."""

    class Meta:
        abstract = True

    title = factory.Sequence(lambda n: f"页面{n}")
    slug = factory.Sequence(lambda n: f"page-{n}")

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        page = model_class(*args, **kwargs)
        (parent or cls._default_parent()).add_child(instance=page)
        return page

    @classmethod
    def _default_parent(cls):
        return home_page()


class HomePageFactory(PageFactory):
    """Another site's home page, under the tree's root (the cms migrations
    made the first one: home_page())."""

    class Meta:
        model = "cms.HomePage"

    @classmethod
    def _default_parent(cls):
        from wagtail.models import Page

        return Page.get_first_root_node()


class ContentPageFactory(PageFactory):
    class Meta:
        model = "cms.ContentPage"


class CourseIndexPageFactory(PageFactory):
    class Meta:
        model = "courses.CourseIndexPage"

    title = "课程目录"
    slug = factory.Sequence(lambda n: f"courses-{n}")


class CoursePageFactory(PageFactory):
    """A live course in a catalog of its own unless parent= is given."""

    class Meta:
        model = "courses.CoursePage"

    title = factory.Sequence(lambda n: f"课程{n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    code = factory.Sequence(lambda n: f"C{n:03d}")
    summary = "课程简介"
    category = factory.SubFactory(CourseCategoryFactory)
    credit_hours = Decimal("2.0")
    estimated_hours = Decimal("3.0")

    @classmethod
    def _default_parent(cls):
        return CourseIndexPageFactory()


class LessonPageFactory(PageFactory):
    """A lesson with one paragraph, in a course of its own unless parent= is
    given."""

    class Meta:
        model = "courses.LessonPage"

    title = factory.Sequence(lambda n: f"第{n}课")
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    body = factory.LazyFunction(
        lambda: [{"type": "paragraph", "value": "<p>本课时正文</p>"}]
    )

    @classmethod
    def _default_parent(cls):
        return CoursePageFactory()


# Learning records ----------------------------------------------------------------


class TrackEnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "courses.TrackEnrolment"

    user = factory.SubFactory(UserFactory)
    track = factory.SubFactory(TrackFactory)
    source = "office"


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "courses.Enrolment"

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CoursePageFactory)
    source = "office"


class LessonProgressFactory(factory.django.DjangoModelFactory):
    """Progress in a lesson; its course is the lesson's parent."""

    class Meta:
        model = "courses.LessonProgress"

    user = factory.SubFactory(UserFactory)
    lesson = factory.SubFactory(LessonPageFactory)
    course = factory.LazyAttribute(lambda p: p.lesson.get_parent().specific)


class ReflectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "courses.Reflection"

    user = factory.SubFactory(UserFactory)
    lesson = factory.SubFactory(LessonPageFactory)
    block_id = "prompt-1"
    text = "我会每周和留守儿童谈一次心。"


class CourseCompletionFactory(factory.django.DjangoModelFactory):
    """A completion row as written by the services; set status= for others."""

    class Meta:
        model = "courses.CourseCompletion"

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CoursePageFactory)


class TrackCompletionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "courses.TrackCompletion"

    user = factory.SubFactory(UserFactory)
    track = factory.SubFactory(TrackFactory)


class TrackRequirementProgressFactory(factory.django.DjangoModelFactory):
    """A progress row of one requirement kind (courses.requirements) as
    track_completion_recompute writes them."""

    class Meta:
        model = "courses.TrackRequirementProgress"

    user = factory.SubFactory(UserFactory)
    track = factory.SubFactory(TrackFactory)
    kind = "required_courses"
    done = 1
    needed = 3


# H5P ---------------------------------------------------------------------------


class H5PLibraryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "courses.H5PLibrary"

    machine_name = factory.Sequence(lambda n: f"H5P.Test{n}")
    major_version = 1
    minor_version = 0


class H5PPackageFactory(factory.django.DjangoModelFactory):
    """A package row with a stored (not valid) .h5p file, as it stands before
    validation; upload real packages through courses.h5p.services instead."""

    class Meta:
        model = "courses.H5PPackage"

    title = factory.Sequence(lambda n: f"H5P练习{n}")
    file = factory.django.FileField(data=b"PK\x05\x06" + bytes(18), filename="q.h5p")


class XAPIStatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "courses.XAPIStatement"

    user = factory.SubFactory(UserFactory)
    lesson = factory.SubFactory(LessonPageFactory)
    block_id = "quiz-1"
    verb = "http://adlnet.gov/expapi/verbs/answered"
    top_level = True
    statement = factory.LazyAttribute(
        lambda s: {"verb": {"id": s.verb}, "object": {"id": f"urn:test:{s.block_id}"}}
    )


class ActivityResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "courses.ActivityResult"

    user = factory.SubFactory(UserFactory)
    lesson = factory.SubFactory(LessonPageFactory)
    block_id = "quiz-1"


class H5PUserDataFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "courses.H5PUserData"

    user = factory.SubFactory(UserFactory)
    package = factory.SubFactory(H5PPackageFactory)
    data_type = "state"
    data = "{}"


# Job-shadowing placements --------------------------------------------------------


class PlacementRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "placements.PlacementRound"

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"2020年10月乐山跟岗研修{n}")
    starts_on = datetime.date(2020, 10, 19)
    ends_on = datetime.date(2020, 10, 30)


def _person(role, **school):
    user = UserFactory()
    ProfileFactory(user=user, role=role, school=SchoolFactory(**school))
    return user


class PlacementFactory(factory.django.DjangoModelFactory):
    """A planned placement of a teacher at a host school with a mentor there."""

    class Meta:
        model = "placements.Placement"

    round = factory.SubFactory(PlacementRoundFactory)
    participant = factory.LazyFunction(lambda: _person(Role.TEACHER))
    host_school = factory.SubFactory(SchoolFactory, kind=School.Kind.HOST)
    mentor = factory.LazyAttribute(lambda p: _mentor_at(p.host_school))
    focus = "class_management"
    starts_on = datetime.date(2020, 10, 19)
    ends_on = datetime.date(2020, 10, 23)


def _mentor_at(school):
    user = UserFactory()
    ProfileFactory(user=user, role=Role.MENTOR, school=school)
    return user


class PlacementLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "placements.PlacementLog"

    placement = factory.SubFactory(PlacementFactory)
    date = factory.LazyAttribute(lambda log: log.placement.starts_on)
    did = "听了两节数学课，参加集体备课。"
    learned = "小组合作要先定好分工。"


class LogAttachmentFactory(factory.django.DjangoModelFactory):
    """A stored photo of a day's log (bytes not checked: upload real photos
    through placements' services)."""

    class Meta:
        model = "placements.LogAttachment"

    log = factory.SubFactory(PlacementLogFactory)
    file = factory.django.ImageField(format="JPEG", filename="photo.jpg")
    token = factory.Sequence(lambda n: f"{n:032x}")
    suffix = ".jpg"
    original_name = "课堂照片.jpg"
    content_type = "image/jpeg"
    size = factory.LazyAttribute(lambda a: a.file.size)


class PlacementEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "placements.PlacementEvent"

    placement = factory.SubFactory(PlacementFactory)
    from_status = "planned"
    to_status = "in_progress"


# Certificates and exports ------------------------------------------------------


class SerialCounterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "certificates.SerialCounter"

    prefix = factory.Sequence(lambda n: f"T{n}")
    year = 2021


class IssuanceBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "certificates.IssuanceBatch"

    track = factory.SubFactory(TrackFactory)
    template = factory.SubFactory(CertificateTemplateFactory)
    created_by = factory.SubFactory(UserFactory)


class ExportJobFactory(factory.django.DjangoModelFactory):
    """A pending export of a principal's staff list."""

    class Meta:
        model = "reports.ExportJob"

    requested_by = factory.SubFactory(UserFactory)
    table = "matrix"
    fmt = "csv"
    fingerprint = factory.Sequence(lambda n: f"{n:064x}")
    title = "教师学习情况"


class PrivateDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cms.PrivateDocument"

    title = factory.Sequence(lambda n: f"讲义{n}")
    file = factory.django.FileField(data=b"%PDF-1.4\n%%EOF\n", filename="handout.pdf")


class ImageFactory(factory.django.DjangoModelFactory):
    """A public site image (Wagtail's), real JPEG bytes, 1600x900 unless
    `file__width` and `file__height` say otherwise."""

    class Meta:
        model = "wagtailimages.Image"

    title = factory.Sequence(lambda n: f"课堂照片{n}")
    file = factory.django.ImageField(
        width=1600, height=900, format="JPEG", color="#3a7d5c", filename="photo.jpg"
    )
