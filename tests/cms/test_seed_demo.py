from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import Page, Revision

from people.demo import DEMO_PASSWORD
from people.models import Cohort, Pairing, Profile, Role, School, User
from placements.models import Placement, PlacementLog

KEY_SCHOOLS = {"洪溪初级中学", "依果觉乡小学校"}
HOST_SCHOOLS = {"乐山市实验中学", "乐山市实验小学", "乐山师范学校附属小学"}


def _seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _rows(queryset, *exclude):
    return [
        {k: v for k, v in row.items() if k not in exclude}
        for row in queryset.order_by("pk").values()
    ]


def _snapshot():
    return {
        "schools": _rows(School.objects.all()),
        "pairings": _rows(Pairing.objects.all()),
        "cohorts": _rows(Cohort.objects.all()),
        "users": _rows(User.objects.all(), "last_login"),
        "profiles": _rows(Profile.objects.all()),
        "supervised": _rows(Profile.supervised_schools.through.objects.all()),
        "cohort_members": _rows(Cohort.members.through.objects.all()),
        "user_groups": _rows(User.groups.through.objects.all()),
        "groups": _rows(Group.objects.all()),
        "pages": _rows(Page.objects.all()),
        "revisions": Revision.objects.count(),
        "placements": _rows(Placement.objects.all(), "updated_at"),
        "placement_logs": _rows(PlacementLog.objects.all(), "updated_at"),
    }


@pytest.fixture
def seeded(demo_programme, db):
    """The demo programme, seeded once for this module."""


def test_seed_demo_twice_changes_nothing(seeded):
    before = _snapshot()

    _seed()

    after = _snapshot()
    assert after == before
    assert before["users"] and before["pages"]


def test_seed_demo_creates_the_programme_schools(seeded):
    supported = School.objects.filter(kind__in=School.SUPPORTED_KINDS)
    key = supported.filter(is_key_school=True)

    assert supported.count() == 13
    assert set(key.values_list("name", flat=True)) == KEY_SCHOOLS
    assert not key.filter(is_placeholder_name=True).exists()
    assert supported.filter(is_placeholder_name=True).count() == 11
    assert (
        set(School.objects.filter(kind=School.Kind.HOST).values_list("name", flat=True))
        == HOST_SCHOOLS
    )
    assert School.objects.get(kind=School.Kind.UNIVERSITY).name == "乐山师范学院"


def test_seed_demo_pairs_key_schools_with_host_schools(seeded):
    pairs = {
        (p.supported_school.name, p.host_school.name)
        for p in Pairing.objects.select_related("supported_school", "host_school")
    }

    assert pairs == {
        ("洪溪初级中学", "乐山市实验中学"),
        ("依果觉乡小学校", "乐山市实验小学"),
        ("依果觉乡小学校", "乐山师范学校附属小学"),
    }


def test_seed_demo_creates_cohorts_with_members(seeded):
    cohorts = {c.code: c for c in Cohort.objects.all()}

    assert set(cohorts) == {"seed-2020", "principals-2020", "hongxi-all-2020"}
    assert set(
        cohorts["principals-2020"].members.values_list("username", flat=True)
    ) == {"principal.hongxi", "principal.yiguojue"}
    assert cohorts["seed-2020"].members.filter(username="teacher.yi").exists()


def test_seed_demo_creates_an_account_for_every_role(seeded):
    roles = set(Profile.objects.values_list("role", flat=True))

    assert roles == set(Role.values)
    assert User.objects.filter(is_superuser=True, username="admin").exists()
    for profile in Profile.objects.select_related("user"):
        assert set(profile.user.groups.values_list("name", flat=True)) == {profile.role}


def test_seed_demo_accounts_are_demo_accounts_with_the_demo_password(seeded):
    users = list(User.objects.all())

    assert users
    assert all(u.is_demo for u in users)
    assert all(u.check_password(DEMO_PASSWORD) for u in users)
    assert not any(u.must_change_password for u in users)


def test_seed_demo_includes_a_name_in_nuosu_script(seeded):
    names = User.objects.values_list("name", flat=True)

    assert any(any("\ua000" <= ch <= "\ua48f" for ch in name) for name in names)
    assert User.objects.get(username="teacher.yi").name == "ꀊꁨꃀꑭ"


def test_seed_demo_publishes_home_and_about_pages(seeded):
    home = Page.objects.get(depth=2).specific

    assert home.title == "洪溪片区教师研修平台"
    assert home.live
    assert home.get_children().live().filter(slug="about").exists()


def test_seed_demo_restores_a_changed_demo_password(seeded):
    user = User.objects.get(username="teacher")
    user.set_password("somebody-changed-it")
    user.save()

    _seed()

    user.refresh_from_db()
    assert user.check_password(DEMO_PASSWORD)


def test_seed_demo_includes_the_october_2020_round_at_every_stage(seeded):
    round_placements = Placement.objects.filter(round__name="2020年10月乐山跟岗研修")
    at_host = round_placements.filter(host_school__name="乐山市实验中学")
    assert at_host.count() == 10
    assert set(round_placements.values_list("status", flat=True)) == set(
        Placement.Status.values
    )
    principal = User.objects.get(username="principal.hongxi")
    completion = principal.track_completions.get(track__code="principals-2020")
    assert completion.placement_days == 5
    assert PlacementLog.objects.filter(attachments__isnull=False).exists()
