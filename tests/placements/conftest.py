"""A placement world: a supported school paired with a host school, a mentor
there, participants, and a round of the programme in October 2020."""

import datetime
from types import SimpleNamespace

import pytest
from django.test import TestCase

from people.models import Role, School
from placements import services
from placements.models import Focus, PlacementRound, Rating
from tests.factories import (
    PairingFactory,
    ProfileFactory,
    ProgrammeFactory,
    SchoolFactory,
    UserFactory,
)

START = datetime.date(2020, 10, 19)
END = datetime.date(2020, 10, 23)
REPORT = "跟岗两周，我学会了集体备课和小组合作的组织方法。" * 5
EVALUATION = "态度认真，每天按时听课并主动试讲，进步明显。"


def person(role, school, **kwargs):
    user = UserFactory(**kwargs)
    ProfileFactory(user=user, role=role, school=school)
    return user


@pytest.fixture
def world(db, office):
    supported = SchoolFactory(name="红溪九年一贯制学校")
    host = SchoolFactory(kind=School.Kind.HOST, name="乐山市实验中学")
    PairingFactory(supported_school=supported, host_school=host)
    other = SchoolFactory(name="依果觉中心校")
    programme = ProgrammeFactory()
    placement_round = PlacementRound.objects.create(
        programme=programme,
        name="2020年10月乐山跟岗研修",
        starts_on=datetime.date(2020, 10, 19),
        ends_on=datetime.date(2020, 10, 30),
    )
    return SimpleNamespace(
        programme=programme,
        round=placement_round,
        supported=supported,
        host=host,
        other=other,
        office=office,
        mentor=person(Role.MENTOR, host, name="张敏"),
        other_mentor=person(Role.MENTOR, host, name="王建国"),
        participant=person(Role.TEACHER, supported, name="ꀊꁨꃀꑭ"),
        colleague=person(Role.TEACHER, supported, name="阿苦拉哈"),
        principal=person(Role.PRINCIPAL, supported, name="吉克阿呷"),
        outsider=person(Role.TEACHER, other, name="刘芳"),
        other_principal=person(Role.PRINCIPAL, other, name="曲比阿果"),
    )


def plan(world, participant=None, **kwargs):
    options = {
        "placement_round": world.round,
        "participants": [participant or world.participant],
        "host_school": world.host,
        "mentor": world.mentor,
        "focus": Focus.TEACHING,
        "starts_on": START,
        "ends_on": END,
        "actor": world.office,
    } | kwargs
    return services.placements_plan(**options)


def log_days(placement, days=3):
    return [
        services.log_save(
            placement=placement,
            actor=placement.participant,
            date=placement.starts_on + datetime.timedelta(days=n),
            activities=["observed"],
            did="听课两节",
            learned="提问要等待",
        )
        for n in range(days)
    ]


def advance(world, placement, stage, days=3):
    """Walk a fresh placement through the workflow up to `stage`."""
    logs = log_days(placement, days) if stage != "planned" else []
    if stage in ("submitted", "confirmed", "approved"):
        services.placement_submit(
            placement=placement, actor=placement.participant, report=REPORT
        )
    if stage in ("confirmed", "approved"):
        for log in logs:
            services.log_confirm(log=log, actor=placement.mentor, confirmed=True)
        services.placement_confirm(
            placement=placement,
            actor=placement.mentor,
            evaluation=EVALUATION,
            rating=Rating.GOOD,
        )
    if stage == "approved":
        # Run the approval's on-commit announcement, as a real commit would.
        with TestCase.captureOnCommitCallbacks(execute=True):
            services.placement_approve(placement=placement, actor=world.office)
    placement.refresh_from_db()
    return placement


@pytest.fixture
def placement(world):
    return plan(world)[0]


@pytest.fixture(autouse=True)
def english():
    """Services' messages are matched in English; pages set their own language."""
    from django.utils import translation

    with translation.override("en"):
        yield
