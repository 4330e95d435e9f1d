"""Demo data for the reports: the demo has few learners and its two tracks
are for seed teachers and principals, so this adds the programme's third
track (全员培训, every teacher of the area) with synthetic staff at the
supported schools, their progress (written as lesson progress and then
recomputed by the course services), and a job-shadowing round. The dashboards
then have something to show. Idempotent: existing rows are left alone."""

import datetime
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from courses import services
from courses.demo.catalog import ETH, ICT, LBC, PROGRAMME, SBR, SKL, TRACK_TERMS
from courses.models import (
    Audience,
    CourseCompletion,
    CoursePage,
    HoursEntry,
    LessonPage,
    LessonProgress,
    Programme,
    Track,
    TrackCourse,
)
from courses.models.learning import Source
from people.demo import DEMO_PASSWORD
from people.models import Cohort, Profile, Role, School, User
from placements.models import PlacementRound

TRACK = {
    "code": "all-teachers-2020",
    "name": "全员培训",
    "audience": Audience.ALL,
    "description": (
        "面向洪溪片区全体教师：完成“新时代师德师风建设”和“留守儿童心理辅导”两门必修课程，"
        "并修满不少于10学时的选修课程。"
    ),
    "min_elective_hours": Decimal("10"),
    "min_placement_days": 0,
    "opens_on": TRACK_TERMS["opens_on"],
    "closes_on": TRACK_TERMS["closes_on"],
}
REQUIRED, ELECTIVES = [ETH, LBC], [ICT, SKL, SBR]

# school code, how many synthetic staff, how many of them seed teachers
STAFF = [
    ("hongxi-jm", 14, 4),
    ("yiguojue-cp", 10, 3),
    *[(f"hongxi-vp{n}", 2, 0) for n in range(1, 7)],
    *[(f"hongxi-tp{n}", 1, 0) for n in range(1, 6)],
]
FAMILY = ["吉克", "阿苦", "沙马", "曲比", "海来", "马海", "俄木", "阿西", "吉木", "勒格", "的日", "瓦其"]  # fmt: skip
GIVEN = ["阿呷", "伍各", "拉哈", "木呷", "子洛", "日火", "阿依", "莫色", "石布", "尔古", "阿支", "么惹", "金花"]  # fmt: skip
YI_NAMES = ["ꀉꂿꃅꒉ", "ꆀꀕꑳꂵ", "ꃀꇷꋍꐚ"]
SUBJECTS = ["chinese", "maths", "yi", "english", "science", "morality", "arts", "pe"]
# Progress by position: courses completed, and a course half done.
PLANS = [
    ([], None),
    ([], ETH),
    ([ETH], None),
    ([ETH, LBC], None),
    ([ETH, LBC, ICT], None),
    ([ETH], LBC),
    ([ETH, LBC], ICT),
]
ROUND = {
    "name": "2021年春季跟岗研修（乐山）",
    "starts_on": datetime.date(2021, 4, 12),
    "ends_on": datetime.date(2021, 4, 16),
}
HOST_MENTORS = {
    # host school code: the demo mentor there (people/demo.py)
    "ls-exp-middle": "mentor",
    "ls-exp-primary": "mentor.primary",
}
DEMO_START = datetime.datetime(2020, 10, 12, 10, tzinfo=datetime.UTC)


def seed() -> Track:
    programme = Programme.objects.get(code=PROGRAMME["code"])
    courses = {
        c.code: c for c in CoursePage.objects.filter(code__in=[*REQUIRED, *ELECTIVES])
    }
    track = _seed_track(programme, courses)
    people = _seed_staff()
    newcomers = [
        u for u in people if not u.track_completions.filter(track=track).exists()
    ]
    if newcomers:
        services.track_enrol(track=track, users=newcomers, source=Source.OFFICE)
        _seed_progress(newcomers, people, courses)
    _seed_placements(programme, people)
    return track


def _seed_track(programme, courses) -> Track:
    track, _ = Track.objects.update_or_create(
        code=TRACK["code"],
        defaults={
            **{k: v for k, v in TRACK.items() if k != "code"},
            "programme": programme,
        },
    )
    wanted = [(c, True) for c in REQUIRED] + [(c, False) for c in ELECTIVES]
    for position, (code, is_required) in enumerate(wanted):
        TrackCourse.objects.update_or_create(
            track=track, course=courses[code],
            defaults={"is_required": is_required, "sort_order": position},
        )  # fmt: skip
    return track


def _accounts():
    """(username, name, school code, subject, seed teacher) of each synthetic
    staff member, the same on every run."""
    n = 0
    for code, count, seeds in STAFF:
        for i in range(count):
            if n % 13 == 5:
                name = YI_NAMES[(n // 13) % len(YI_NAMES)]
            else:
                name = FAMILY[n % len(FAMILY)] + GIVEN[(n * 5) % len(GIVEN)]
            yield (
                f"demo.{code}.{i + 1:02d}",
                name,
                code,
                SUBJECTS[n % len(SUBJECTS)],
                i < seeds,
            )
            n += 1


def _seed_staff() -> list[User]:
    schools = {s.code: s for s in School.objects.all()}
    existing = {
        u.username: u for u in User.objects.filter(username__startswith="demo.")
    }
    group = Group.objects.get(name=Role.TEACHER)
    everyone = Cohort.objects.get(code="hongxi-all-2020")
    password = None
    people = []
    for username, name, code, subject, seed in _accounts():
        user = existing.get(username)
        if user is None:
            # One hash for all: hashing each would make seeding take minutes.
            password = password or make_password(DEMO_PASSWORD)
            user = User.objects.create(
                username=username, name=name, email=f"{username}@demo.hongxi.invalid",
                is_demo=True, password=password,
            )  # fmt: skip
            Profile.objects.create(
                user=user, role=Role.TEACHER, school=schools[code], subject=subject,
                is_seed_teacher=seed,
            )  # fmt: skip
            user.groups.add(group)
            everyone.members.add(user)
        people.append(user)
    return people


def _seed_progress(newcomers, people, courses) -> None:
    """Completed lessons as the teachers would have recorded them, spread over
    the programme's first year; the services then recompute completion rows
    and the hours ledger from them."""
    position = {u.pk: n for n, u in enumerate(people)}
    lessons = {
        code: list(LessonPage.objects.live().child_of(course).order_by("path"))
        for code, course in courses.items()
    }
    progress, touched = [], []
    for user in newcomers:
        n = position[user.pk]
        done, half = PLANS[n % len(PLANS)]
        for code in [*done, *([half] if half else [])]:
            if code in ELECTIVES:
                services.enrolment_create(
                    user=user, course=courses[code], source=Source.SELF
                )
            chosen = lessons[code] if code in done else lessons[code][:2]
            days = (23 * (n % 17) + 41 * len(touched)) % 480
            finished = DEMO_START + datetime.timedelta(days=days)
            progress += [
                LessonProgress(
                    user=user,
                    lesson=lesson,
                    course=courses[code],
                    status="completed",
                    completed_at=finished,
                )  # fmt: skip
                for lesson in chosen
            ]
            touched.append((user, courses[code], code in done, finished, n))
    LessonProgress.objects.bulk_create(progress, ignore_conflicts=True)
    for user, course, completed, finished, n in touched:
        services.course_completion_recompute(user=user, course=course)
        if completed:
            _backdate(user, course, finished, n)


def _backdate(user, course, finished, n) -> None:
    """The demo's completions happened in 2020-2021, not today; the score is
    the course quiz's (nothing writes CourseCompletion.score yet)."""
    CourseCompletion.objects.filter(user=user, course=course).update(
        completed_at=finished, score=Decimal(72 + (n * 7) % 27)
    )
    HoursEntry.objects.filter(
        user=user, course=course, source=HoursEntry.Source.COURSE
    ).update(earned_on=timezone.localdate(finished))


def _seed_placements(programme, people) -> None:
    """A spring 2021 round for the synthetic seed teachers, walked through the
    placements workflow: most approved with five days, one confirmed by the
    mentor and one still in progress."""
    from placements.demo import seed_placement

    office = User.objects.get(username="office")
    round_, _ = PlacementRound.objects.get_or_create(
        programme=programme, name=ROUND["name"],
        defaults={"starts_on": ROUND["starts_on"], "ends_on": ROUND["ends_on"],
                  "created_by": office},
    )  # fmt: skip
    hosts = {s.code: s for s in School.objects.filter(code__in=HOST_MENTORS)}
    mentors = {
        code: User.objects.get(username=username)
        for code, username in HOST_MENTORS.items()
    }
    seeds = [u for u in people if u.profile.is_seed_teacher]
    taken = set(round_.placements.values_list("participant_id", flat=True))
    for n, user in enumerate(seeds):
        if user.pk in taken:
            continue
        host = (
            "ls-exp-middle"
            if user.profile.school.code == "hongxi-jm"
            else "ls-exp-primary"
        )
        seed_placement(
            placement_round=round_, office=office, participant=user,
            host_school=hosts[host], mentor=mentors[host], focus="teaching",
            week=(round_.starts_on, round_.ends_on),
            stage=["approved", "approved", "approved", "confirmed", "in_progress"][n % 5],
            days=5,
        )  # fmt: skip
