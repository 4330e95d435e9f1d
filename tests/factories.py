import datetime

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
    """Needs a course (a CoursePage, built in the page tree by the test)."""

    class Meta:
        model = "courses.TrackCourse"

    track = factory.SubFactory(TrackFactory)
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
