"""Demo placements: the late-October 2020 round in Leshan, ten principals and
teachers at 乐山市实验中学 (and one seed teacher at 乐山市实验小学), at every
stage of the workflow, so each role has something to do:
the teacher `teacher` can keep logging, the mentor `mentor` has a submitted
placement to confirm, the office has a confirmed one to approve."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from courses.models import Programme
from courses.services import tracks_recompute_for
from people.models import School, User

from . import services
from .attachments import attachment_add
from .models import Focus, Placement, PlacementEvent, PlacementRound, Rating

ROUND_NAME = "2020年10月乐山跟岗研修"
ROUND_START = datetime.date(2020, 10, 19)
ROUND_END = datetime.date(2020, 10, 30)
FIRST_WEEK = (datetime.date(2020, 10, 19), datetime.date(2020, 10, 23))
SECOND_WEEK = (datetime.date(2020, 10, 26), datetime.date(2020, 10, 30))

# participant, host school, mentor, focus, week, stage, days logged
PLACEMENTS = [
    ("principal.hongxi", "ls-exp-middle", "mentor.wang", Focus.LEADERSHIP, FIRST_WEEK, "approved", 5),
    ("t.hx04", "ls-exp-middle", "mentor", Focus.TEACHING, FIRST_WEEK, "approved", 5),
    ("t.hx05", "ls-exp-middle", "mentor", Focus.TEACHING, FIRST_WEEK, "approved", 4),
    ("t.hx02", "ls-exp-middle", "mentor", Focus.TEACHING, FIRST_WEEK, "confirmed", 5),
    ("t.hx01", "ls-exp-middle", "mentor", Focus.RESEARCH, SECOND_WEEK, "submitted", 5),
    ("t.hx03", "ls-exp-middle", "mentor", Focus.CLASS_MANAGEMENT, SECOND_WEEK, "returned", 3),
    ("teacher", "ls-exp-middle", "mentor", Focus.TEACHING, SECOND_WEEK, "in_progress", 2),
    ("t.hx06", "ls-exp-middle", "mentor.wang", Focus.CLASS_MANAGEMENT, SECOND_WEEK, "in_progress", 1),
    ("t.hx07", "ls-exp-middle", "mentor.wang", Focus.TEACHING, SECOND_WEEK, "planned", 0),
    ("t.hx08", "ls-exp-middle", "mentor.wang", Focus.CLASS_MANAGEMENT, SECOND_WEEK, "planned", 0),
    ("seed", "ls-exp-primary", "mentor.primary", Focus.TEACHING, FIRST_WEEK, "approved", 5),
]  # fmt: skip

DAYS = [
    (["observed"], "听了初二数学《一次函数的图像》，记录了导入、提问和小组讨论的环节。",
     "好的导入只用三分钟；提问要给学生思考的时间，不急于叫人回答。"),
    (["observed", "lesson_study"], "上午听课两节，下午参加数学教研组的集体备课。",
     "集体备课先定目标再分环节，每人负责一个环节，效率很高。"),
    (["taught"], "在指导教师的班上试讲一节，课后听取了三位老师的意见。",
     "板书要有结构；回到学校后我要减少自己讲的时间，让学生多说。"),
    (["class_management"], "跟随班主任参加早读、课间操和班会，观察班级常规管理。",
     "班级事务分给学生负责，班主任只抓关键环节；我可以先从值日制度做起。"),
    (["school_management", "lesson_study"], "参加学校行政会和校本研修活动，了解教研组考核办法。",
     "校本研修要有主题和记录，每月一次展示课，这个做法可以带回洪溪。"),
]  # fmt: skip

REPORT = (
    "一周的跟岗研修让我看到了一所城市学校怎样把常规做细：每节课都有明确的目标，"
    "教研组每周集体备课，班主任把班级事务交给学生自己管理。我听了十多节课，"
    "试讲了两节，指导教师逐条帮我分析。回到洪溪后，我准备先在自己的班上推行小组合作，"
    "每周和同组老师集体备课一次，并把听课记录整理成我们学校的校本研修材料。"
)
EVALUATION = (
    "该教师学习态度认真，每天按时听课并主动试讲，能结合本校实际思考，进步明显。"
)


def seed() -> None:
    """Create the round and its placements once; a second run changes nothing."""
    programme = Programme.objects.get(code="lsnu-hongxi-2020")
    office = User.objects.get(username="office")
    placement_round, _created = PlacementRound.objects.get_or_create(
        name=ROUND_NAME,
        defaults={
            "programme": programme,
            "starts_on": ROUND_START,
            "ends_on": ROUND_END,
            "notes": "第一周：听课与集体备课；第二周：试讲、班级管理与校本研修。",
            "created_by": office,
        },
    )
    done = set(
        placement_round.placements.values_list("participant__username", flat=True)
    )
    for row in PLACEMENTS:
        if row[0] not in done:
            _seed_placement(placement_round, office, *row)


def _seed_placement(
    placement_round, office, username, host, mentor, focus, week, stage, days
) -> None:
    seed_placement(
        placement_round=placement_round,
        office=office,
        participant=User.objects.get(username=username),
        host_school=School.objects.get(code=host),
        mentor=User.objects.get(username=mentor),
        focus=focus,
        week=week,
        stage=stage,
        days=days,
    )


def seed_placement(
    *, placement_round, office, participant, host_school, mentor, focus, week,
    stage, days,
) -> Placement:  # fmt: skip
    """Plan one placement and walk it through the real workflow up to `stage`
    with `days` logged days, then move its timestamps back to `week`."""
    mentor_user = mentor
    (placement,) = services.placements_plan(
        placement_round=placement_round,
        participants=[participant],
        host_school=host_school,
        mentor=mentor_user,
        focus=focus,
        starts_on=week[0],
        ends_on=week[1],
        actor=office,
    )
    logs = []
    for n in range(days):
        activities, did, learned = DAYS[n % len(DAYS)]
        logs.append(
            services.log_save(
                placement=placement,
                actor=participant,
                date=week[0] + datetime.timedelta(days=n),
                activities=activities,
                did=did,
                learned=learned,
            )
        )
    if logs:
        attachment_add(log=logs[0], actor=participant, upload=_photo())
    if stage in ("submitted", "confirmed", "approved", "returned"):
        services.placement_submit(placement=placement, actor=participant, report=REPORT)
    if stage in ("confirmed", "approved"):
        for log in logs:
            services.log_confirm(log=log, actor=mentor_user, confirmed=True)
        services.placement_confirm(
            placement=placement,
            actor=mentor_user,
            evaluation=EVALUATION,
            rating=Rating.EXCELLENT if days == 5 else Rating.GOOD,
        )
    if stage == "returned":
        services.log_confirm(
            log=logs[0], actor=mentor_user, confirmed=True, note="这一天的记录很具体。"
        )
        services.placement_return(
            placement=placement,
            actor=mentor_user,
            comment="请补写第二、三天学到了什么，并在总结里写清楚回校后的具体打算。",
        )
    if stage == "approved":
        services.placement_approve(placement=placement, actor=office)
        # seed_demo runs in one transaction, so the approval's on-commit
        # announcement would arrive only after the reports and certificates
        # demos read the tracks: recompute them now, as the receiver will.
        tracks_recompute_for(
            user=participant, programme_id=placement_round.programme_id
        )
    _backdate(placement, week)
    return placement


def _backdate(placement: Placement, week) -> None:
    """The workflow ran today; move its timestamps to the autumn of 2020."""
    end = timezone.make_aware(datetime.datetime.combine(week[1], datetime.time(17)))
    planned_at = end - datetime.timedelta(days=21)
    for n, event in enumerate(placement.events.order_by("pk")):
        PlacementEvent.objects.filter(pk=event.pk).update(
            at=planned_at if n == 0 else end + datetime.timedelta(hours=n)
        )
    placement.refresh_from_db()
    stamps = {
        field: end + datetime.timedelta(days=1)
        for field in ("submitted_at", "confirmed_at", "approved_at")
        if getattr(placement, field)
    }
    Placement.objects.filter(pk=placement.pk).update(**stamps)
    placement.logs.filter(confirmed_at__isnull=False).update(confirmed_at=end)
    if placement.hours_entry_id:
        type(placement.hours_entry).objects.filter(pk=placement.hours_entry_id).update(
            earned_on=week[1] + datetime.timedelta(days=7)
        )


def _photo() -> SimpleUploadedFile:
    """A small picture standing in for a classroom photo."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), "#dfe9e4")
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 600, 300), fill="#2f5d50")  # the blackboard
    for row in range(3):
        for seat in range(6):
            x, y = 60 + seat * 90, 340 + row * 45
            draw.rectangle((x, y, x + 60, y + 25), fill="#b08457")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile("课堂.jpg", buffer.getvalue(), content_type="image/jpeg")
