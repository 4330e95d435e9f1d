"""Demo data for people: the real schools and pairings of the 2020 programme
(乐师院继教〔2020〕13号) and fictional people for every role."""

import datetime

from django.contrib.auth.models import Group

from .models import Cohort, Pairing, Profile, Role, School, User

DEMO_PASSWORD = "hongxi-demo-2020"

K = School.Kind
PROGRAMME_START = datetime.date(2020, 6, 1)
PROGRAMME_END = datetime.date(2022, 3, 31)

# (code, name, English name, kind, county, key school, placeholder name)
SCHOOLS = [
    ("lsnu", "乐山师范学院", "Leshan Normal University", K.UNIVERSITY, "乐山市", False, False),
    ("hongxi-jm", "洪溪初级中学", "Hongxi Junior Middle School", K.JUNIOR_MIDDLE, "美姑县", True, False),
    ("yiguojue-cp", "依果觉乡小学校", "Yiguojue Township Central Primary School", K.CENTRAL_PRIMARY, "美姑县", True, False),
    *[
        (f"hongxi-vp{n}", f"洪溪片区村小{n}（暂定名）", f"Hongxi village primary {n} (placeholder)",
         K.VILLAGE_PRIMARY, "美姑县", False, True)
        for n in range(1, 7)
    ],
    *[
        (f"hongxi-tp{n}", f"洪溪片区教学点{n}（暂定名）", f"Hongxi teaching point {n} (placeholder)",
         K.TEACHING_POINT, "美姑县", False, True)
        for n in range(1, 6)
    ],
    ("ls-exp-middle", "乐山市实验中学", "Leshan Experimental Middle School", K.HOST, "乐山市", False, False),
    ("ls-exp-primary", "乐山市实验小学", "Leshan Experimental Primary School", K.HOST, "乐山市", False, False),
    ("lsns-primary", "乐山师范学校附属小学", "Primary School Affiliated to Leshan Normal School", K.HOST, "乐山市", False, False),
]  # fmt: skip

PAIRINGS = [
    ("hongxi-jm", "ls-exp-middle"),
    ("yiguojue-cp", "ls-exp-primary"),
    ("yiguojue-cp", "lsns-primary"),
]

COHORTS = [
    ("seed-2020", "2020 种子教师", 2020),
    ("principals-2020", "2020 校长研修班", 2020),
    ("hongxi-all-2020", "2020 洪溪片区全体教师", 2020),
]

S = Profile.Subject
# username, name, role, school code, subject, seed teacher, cohorts, superuser
ACCOUNTS = [
    ("admin", "系统管理员", None, None, "", False, [], True),
    ("office", "陈静", Role.OFFICE, "lsnu", "", False, [], False),
    ("trainer", "李文华", Role.TRAINER, "lsnu", "", False, [], False),
    ("mentor", "张敏", Role.MENTOR, "ls-exp-middle", S.CHINESE, False, [], False),
    ("mentor.wang", "王建国", Role.MENTOR, "ls-exp-middle", "", False, [], False),
    ("mentor.primary", "杨丽", Role.MENTOR, "ls-exp-primary", S.CHINESE, False, [], False),
    ("principal.hongxi", "吉克阿呷", Role.PRINCIPAL, "hongxi-jm", "", False, ["principals-2020"], False),
    ("principal.yiguojue", "曲比阿果", Role.PRINCIPAL, "yiguojue-cp", "", False, ["principals-2020"], False),
    ("teacher", "阿苦拉哈", Role.TEACHER, "hongxi-jm", S.MATHS, False, ["hongxi-all-2020"], False),
    ("seed", "沙马伍呷", Role.TEACHER, "yiguojue-cp", S.CHINESE, True, ["seed-2020", "hongxi-all-2020"], False),
    ("teacher.yi", "ꀊꁨꃀꑭ", Role.TEACHER, "yiguojue-cp", S.YI, True, ["seed-2020", "hongxi-all-2020"], False),
    ("t.hx01", "海来木呷", Role.TEACHER, "hongxi-jm", S.CHINESE, True, ["seed-2020", "hongxi-all-2020"], False),
    ("t.hx02", "王晓燕", Role.TEACHER, "hongxi-jm", S.ENGLISH, False, ["hongxi-all-2020"], False),
    ("t.hx03", "俄木日火", Role.TEACHER, "hongxi-jm", S.SCIENCE, False, ["hongxi-all-2020"], False),
    ("t.hx04", "ꆈꌠꁱꂷ", Role.TEACHER, "hongxi-jm", S.MORALITY, False, ["hongxi-all-2020"], False),
    ("t.hx05", "吉伍五呷", Role.TEACHER, "hongxi-jm", S.MATHS, True, ["seed-2020", "hongxi-all-2020"], False),
    ("t.hx06", "张丽", Role.TEACHER, "hongxi-jm", S.CHINESE, False, ["hongxi-all-2020"], False),
    ("t.hx07", "曲木阿依", Role.TEACHER, "hongxi-jm", S.ENGLISH, False, ["hongxi-all-2020"], False),
    ("t.hx08", "阿的子日", Role.TEACHER, "hongxi-jm", S.PE, False, ["hongxi-all-2020"], False),
    ("t.yg01", "阿西莫色", Role.TEACHER, "yiguojue-cp", S.MATHS, False, ["hongxi-all-2020"], False),
    ("t.yg02", "刘芳", Role.TEACHER, "yiguojue-cp", S.ARTS, False, ["hongxi-all-2020"], False),
    ("t.vp01", "吉木子洛", Role.TEACHER, "hongxi-vp1", S.CHINESE, False, ["hongxi-all-2020"], False),
    ("t.tp01", "马海拉惹", Role.TEACHER, "hongxi-tp1", S.MATHS, False, ["hongxi-all-2020"], False),
]  # fmt: skip


def seed() -> None:
    """Create or bring up to date every demo row; a second run changes nothing."""
    schools = _seed_schools()
    for supported, host in PAIRINGS:
        Pairing.objects.update_or_create(
            supported_school=schools[supported],
            host_school=schools[host],
            defaults={"starts_on": PROGRAMME_START, "ends_on": PROGRAMME_END},
        )
    cohorts = {
        code: Cohort.objects.update_or_create(
            code=code, defaults={"name": name, "year": year}
        )[0]
        for code, name, year in COHORTS
    }
    for account in ACCOUNTS:
        _seed_account(account, schools, cohorts)
    _seed_demo_totp()


def _seed_schools() -> dict[str, School]:
    schools = {}
    for code, name, name_en, kind, county, key, placeholder in SCHOOLS:
        schools[code], _ = School.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "kind": kind,
                "county": county,
                "is_key_school": key,
                "is_placeholder_name": placeholder,
            },
        )
    return schools


def _seed_account(account, schools, cohorts) -> User:
    username, name, role, school, subject, seed_teacher, cohort_codes, superuser = (
        account
    )
    user, created = User.objects.update_or_create(
        username=username,
        defaults={
            "name": name,
            "email": f"{username}@demo.hongxi.invalid",
            "is_demo": True,
            "is_superuser": superuser,
            "is_staff": superuser,
            "must_change_password": False,
        },
    )
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    if role is not None:
        Profile.objects.update_or_create(
            user=user,
            defaults={
                "role": role,
                "school": schools[school] if school else None,
                "subject": subject,
                "is_seed_teacher": seed_teacher,
            },
        )
        user.groups.set([Group.objects.get(name=role)])
    user.cohorts.set([cohorts[code] for code in cohort_codes])
    return user


def _seed_demo_totp() -> None:
    """The demo office and admin accounts must sign in with a second factor:
    they get the published demo secret (README; `manage.py demo_totp`)."""
    from .mfa import (
        DEMO_TOTP_SECRET,
        DEMO_TOTP_USERNAMES,
        totp_secret_of,
        totp_set_secret,
    )

    for user in User.objects.filter(username__in=DEMO_TOTP_USERNAMES, is_demo=True):
        if totp_secret_of(user) != DEMO_TOTP_SECRET:
            totp_set_secret(user=user, secret=DEMO_TOTP_SECRET)
