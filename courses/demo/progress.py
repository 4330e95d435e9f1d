"""Varied demo progress for the demo teachers and principals, sent through the
services only when it would change something."""

from decimal import Decimal

from people.models import Cohort, User

from .. import services
from ..models import (
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    Reflection,
    Track,
    TrackEnrolment,
    XAPIStatement,
)
from ..models.learning import Source
from ..selectors import activity_iri
from .catalog import ETH, ICT, LBC, SKL, TRACKS

# Progress -----------------------------------------------------------------------

SEED_ETH_ANSWER = (
    "上个月班上一名学生连续两天没来上课。我没有只在点名册上记缺勤，而是放学后和另一位老师走山路去他家，"
    "才知道他奶奶生病，他在家照顾奶奶。我们联系了村干部，请亲戚帮忙照看，第二天他就回到了学校。"
    "以后学生缺课，我会当天就联系家长。另外，以前我有时在全班面前说重话批评学生，对照准则，以后我会先了解原因，课后单独谈。"
)
HX01_ETH_ANSWER = (
    "开学时一位家长拿来一袋核桃，说感谢我照顾他的孩子。我当时不好意思拒绝，后来想到准则中“不得收受学生及家长财物”，"
    "第二天把核桃送了回去，向家长说明了原因，并告诉他孩子最近作文进步很大。家长没有不高兴，反而更愿意和我沟通。"
    "我觉得做得不够的是上课有时赶进度，对说话慢的学生不够耐心，以后提问后我会多等一等。"
)
HX01_LBC_ANSWER = (
    "我班上的小伍（化名）今年十岁，父母在外地打工，跟着年迈的爷爷生活。他上课常常走神，作业经常没有完成，也不太和同学说话。"
    "这个学期我准备做三件事：每周三放学后和他聊十分钟，听他说说家里的事；每月用学校电话帮他和爸爸妈妈视频一次；"
    "安排一位热心的同学和他结成学习伙伴，一起完成作业。期末我会去他家家访一次，和爷爷商量怎样督促他按时睡觉。"
)
YI_LBC_ANSWER = (
    "我班上有一个女孩（化名阿果），父母都在外地务工，她和姐姐跟着外婆生活，平时要背水、做饭，到校时常常很累。"
    "她学习认真，但很少主动发言。这个学期我打算请她担任图书角管理员，让她在班上有自己的位置；"
    "每两周和她单独谈一次；期中前和会说彝语的同事一起去家访，了解外婆家的困难，看学校能提供什么帮助。"
)
PRINCIPAL_ETH_ANSWER = (
    "作为校长，我认为师德师风建设非常重要。学校要加强对教师的教育和管理，组织教师认真学习十项准则，"
    "把师德表现作为考核的重要内容，对违反准则的行为严肃处理。同时要关心教师的工作和生活，营造风清气正的校园氛围，"
    "让每一位教师都能做学生的引路人。"
)
RETURN_FEEDBACK = "谢谢你的思考。请结合你最近一个月里的一件具体的事来写：事情经过、你当时怎么做、以后会怎样改进。"


# Progress ------------------------------------------------------------------------


def seed_progress(courses, tracks) -> None:
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    office, trainer = users["office"], users["trainer"]
    for code, _name, _audience, cohort_code, *_courses in TRACKS:
        _enrol_cohort(tracks[code], Cohort.objects.get(code=cohort_code), office)
    for course_code in (ETH, ICT):
        _enrol_self(users["teacher"], courses[course_code])

    lessons = {
        code: list(LessonPage.objects.live().child_of(course).order_by("path"))
        for code, course in courses.items()
    }
    eth, skl, lbc = lessons[ETH], lessons[SKL], lessons[LBC]

    # seed: ethics done (reflection accepted, quiz passed), half-way through
    # teaching skills.
    _complete(users["seed"], eth[0], eth[1])
    _reflect(users["seed"], eth[2], SEED_ETH_ANSWER, reviewer=trainer)
    _answer_quiz(users["seed"], eth[3], right=4, of=4)
    _complete(users["seed"], skl[0], skl[1])
    services.lesson_visit(user=users["seed"], lesson=skl[2])

    # t.hx01: two required courses done, one quiz passed at the second try.
    _complete(users["t.hx01"], eth[0], eth[1], lbc[0], lbc[1])
    _reflect(users["t.hx01"], eth[2], HX01_ETH_ANSWER, reviewer=trainer)
    _reflect(users["t.hx01"], lbc[2], HX01_LBC_ANSWER, reviewer=trainer)
    _answer_quiz(users["t.hx01"], eth[3], right=4, of=4)
    _answer_quiz(users["t.hx01"], lbc[3], right=2, of=4)
    _answer_quiz(users["t.hx01"], lbc[3], right=3, of=4)

    # teacher.yi: started the counselling course; her reflection awaits review.
    _complete(users["teacher.yi"], lbc[0])
    _reflect(users["teacher.yi"], lbc[2], YI_LBC_ANSWER)

    # principal.hongxi: a reflection returned with comments.
    _complete(users["principal.hongxi"], eth[0])
    _reflect(
        users["principal.hongxi"], eth[2], PRINCIPAL_ETH_ANSWER,
        reviewer=trainer, accept=False,
    )  # fmt: skip


def _answer_quiz(user: User, lesson: LessonPage, *, right: int, of: int) -> None:
    """Record a quiz attempt as the player would send it, once per score."""
    block_id = next(iter(lesson.activity_blocks))
    scaled = Decimal(right) / of
    if XAPIStatement.objects.filter(
        user=user, lesson=lesson, block_id=block_id, score_scaled=scaled.quantize(
            Decimal("0.0001"))
    ).exists():  # fmt: skip
        return
    services.statement_record(
        user=user,
        lesson=lesson,
        block_id=block_id,
        statement={
            "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
            "object": {"id": activity_iri(lesson, block_id)},
            "result": {
                "score": {"raw": right, "min": 0, "max": of},
                "success": right * 100 >= 60 * of,
                "completion": True,
            },
        },
    )


def _enrol_cohort(track: Track, cohort: Cohort, office: User) -> None:
    enrolled = TrackEnrolment.objects.filter(track=track).values("user_id")
    newcomers = services.users_for_group(cohort=cohort).exclude(pk__in=enrolled)
    if newcomers.exists():
        services.track_enrol(track=track, users=newcomers, enrolled_by=office)


def _enrol_self(user: User, course: CoursePage) -> None:
    if not Enrolment.objects.filter(
        user=user, course=course, status=Enrolment.Status.ACTIVE
    ).exists():
        services.enrolment_create(user=user, course=course, source=Source.SELF)


def _complete(user: User, *lessons: LessonPage) -> None:
    done = set(
        LessonProgress.objects.filter(
            user=user, lesson__in=lessons, status=LessonProgress.Status.COMPLETED
        ).values_list("lesson_id", flat=True)
    )
    for lesson in lessons:
        if lesson.pk not in done:
            services.lesson_mark_complete(user=user, lesson=lesson)


def _reflect(user, lesson, text, *, reviewer=None, accept=True) -> None:
    """Submit the lesson's first reflection once; review it once if asked."""
    block_id = lesson.reflection_block_ids[0]
    reflection = Reflection.objects.filter(
        user=user, lesson=lesson, block_id=block_id
    ).first()
    if reflection is None:
        reflection = services.reflection_submit(
            user=user, lesson=lesson, block_id=block_id, text=text
        )
    if reviewer is not None and reflection.status == Reflection.Status.SUBMITTED:
        services.reflection_review(
            reflection=reflection,
            reviewer=reviewer,
            accept=accept,
            feedback="" if accept else RETURN_FEEDBACK,
        )
