import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from placements.models import Placement, PlacementLog, PlacementRound
from tests.factories import CohortFactory

from .conftest import REPORT, START, advance, log_days, person, plan
from .test_attachments import jpeg

Status = Placement.Status


def url(name, *args):
    return reverse(f"placements:{name}", args=args)


def test_participant_sees_their_placement_and_its_log(client, world, placement):
    log_days(placement, 1)
    client.force_login(world.participant)
    page = client.get(url("mine")).content.decode()
    assert "乐山市实验中学" in page and "张敏" in page
    detail = client.get(url("detail", placement.pk)).content.decode()
    assert "听课两节" in detail and "写一天的日志" in detail


@pytest.mark.parametrize(
    "who", ["colleague", "outsider", "other_principal", "other_mentor"]
)
def test_strangers_get_404_for_the_placement_and_its_files(
    client, world, placement, who
):
    client.force_login(getattr(world, who))
    assert client.get(url("detail", placement.pk)).status_code == 404
    assert client.get(url("log_new", placement.pk)).status_code == 404


@pytest.mark.parametrize("who", ["principal", "mentor", "office"])
def test_principal_mentor_and_office_may_read_it(client, world, placement, who):
    client.force_login(getattr(world, who))
    assert client.get(url("detail", placement.pk)).status_code == 200


def test_log_with_photo_is_saved_and_served_privately(client, world, placement):
    client.force_login(world.participant)
    response = client.post(
        url("log_new", placement.pk),
        {
            "date": "2020-10-19",
            "activities": ["observed", "lesson_study"],
            "did": "听课",
            "learned": "等待",
            "files": [SimpleUploadedFile("课堂.jpg", jpeg((800, 600)), "image/jpeg")],
        },
    )
    assert response.status_code == 302
    log = PlacementLog.objects.get()
    assert log.activities == ["observed", "lesson_study"]
    attachment = log.attachments.get()
    assert client.get(url("attachment", attachment.pk))["Content-Type"] == "image/jpeg"
    assert client.get(url("attachment_thumbnail", attachment.pk)).status_code == 200
    client.force_login(world.outsider)
    assert client.get(url("attachment", attachment.pk)).status_code == 404
    client.force_login(world.principal)
    assert client.get(url("attachment", attachment.pk)).status_code == 200


def test_log_with_a_refused_file_saves_nothing(client, world, placement):
    client.force_login(world.participant)
    response = client.post(
        url("log_new", placement.pk),
        {
            "date": "2020-10-19",
            "activities": ["observed"],
            "did": "听课",
            "learned": "等待",
            "files": [
                SimpleUploadedFile("virus.exe", b"MZ", "application/octet-stream")
            ],
        },
    )
    assert response.status_code == 400
    assert "virus.exe" in response.content.decode()
    assert not PlacementLog.objects.exists()
    placement.refresh_from_db()
    assert placement.status == Status.PLANNED


def test_log_outside_the_dates_is_refused_with_a_message(client, world, placement):
    client.force_login(world.participant)
    response = client.post(
        url("log_new", placement.pk),
        {"date": "2020-11-19", "activities": ["observed"], "did": "x", "learned": "y"},
    )
    assert response.status_code == 400
    assert "2020-10-19" in response.content.decode()
    assert not PlacementLog.objects.exists()


def test_others_cannot_write_into_the_participants_log(client, world, placement):
    (log,) = log_days(placement, 1)
    client.force_login(world.mentor)
    data = {
        "date": "2020-10-19",
        "activities": ["taught"],
        "did": "改",
        "learned": "改",
    }
    assert client.post(url("log_edit", placement.pk, log.pk), data).status_code == 403
    assert client.post(url("log_delete", placement.pk, log.pk)).status_code == 403
    assert (
        client.post(url("submit", placement.pk), {"report": REPORT}).status_code == 403
    )
    log.refresh_from_db()
    assert log.did == "听课两节"


def test_short_report_is_refused_and_kept_for_the_form(client, world, placement):
    log_days(placement, 1)
    client.force_login(world.participant)
    response = client.post(
        url("submit", placement.pk), {"report": "我的总结草稿"}, follow=True
    )
    page = response.content.decode()
    assert "我的总结草稿" in page and "100" in page
    placement.refresh_from_db()
    assert placement.status == Status.IN_PROGRESS


def test_mentor_confirms_days_and_evaluates_through_the_pages(client, world, placement):
    placement = advance(world, placement, "submitted", days=2)
    client.force_login(world.mentor)
    for log in placement.logs.all():
        client.post(url("log_confirm", placement.pk, log.pk), {"confirmed": "on"})
    response = client.post(
        url("evaluate", placement.pk),
        {
            "rating": "excellent",
            "evaluation": "态度认真，每天按时听课并主动试讲，进步明显。",
        },
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.status == Status.CONFIRMED
    assert placement.logs.filter(confirmed_at__isnull=False).count() == 2


def test_participant_cannot_confirm_or_approve_their_own_placement(
    client, world, placement
):
    placement = advance(world, placement, "confirmed", days=1)
    client.force_login(world.participant)
    log = placement.logs.get()
    assert client.post(url("log_confirm", placement.pk, log.pk), {}).status_code == 403
    assert client.post(url("approve", placement.pk)).status_code == 403
    client.force_login(world.mentor)
    assert client.post(url("approve", placement.pk)).status_code == 403
    client.force_login(world.office)
    assert client.post(url("approve", placement.pk)).status_code == 302
    placement.refresh_from_db()
    assert placement.status == Status.APPROVED


def test_return_without_comment_is_refused(client, world, placement):
    placement = advance(world, placement, "submitted", days=1)
    client.force_login(world.mentor)
    response = client.post(url("return", placement.pk), {"comment": ""}, follow=True)
    assert (
        "Say what to improve" in response.content.decode()
        or "请写明" in response.content.decode()
    )
    placement.refresh_from_db()
    assert placement.status == Status.SUBMITTED


def test_mentees_page_is_for_mentors(client, world, placement):
    client.force_login(world.mentor)
    assert "ꀊꁨꃀꑭ" in client.get(url("mentees")).content.decode()
    client.force_login(world.other_mentor)
    assert "ꀊꁨꃀꑭ" not in client.get(url("mentees")).content.decode()
    client.force_login(world.participant)
    assert client.get(url("mentees")).status_code == 403


def test_school_page_shows_only_the_principals_staff(client, world, placement):
    client.force_login(world.principal)
    assert "ꀊꁨꃀꑭ" in client.get(url("school")).content.decode()
    client.force_login(world.other_principal)
    assert "ꀊꁨꃀꑭ" not in client.get(url("school")).content.decode()
    client.force_login(world.participant)
    assert client.get(url("school")).status_code == 403


@pytest.mark.parametrize("who", ["participant", "principal", "mentor"])
def test_office_pages_are_for_the_office(client, world, placement, who):
    client.force_login(getattr(world, who))
    assert client.get(url("office")).status_code == 403
    assert client.get(url("round", world.round.pk)).status_code == 403
    assert client.post(url("round_new"), {}).status_code == 403
    assert client.post(url("remove", placement.pk)).status_code == 403
    assert Placement.objects.filter(pk=placement.pk).exists()


def test_office_plans_a_round_and_places_a_cohort(client, world):
    client.force_login(world.office)
    response = client.post(
        url("round_new"),
        {
            "programme": world.programme.pk,
            "name": "2021年春季跟岗研修",
            "starts_on": "2021-04-12",
            "ends_on": "2021-04-23",
            "notes": "",
        },
    )
    new_round = PlacementRound.objects.get(name="2021年春季跟岗研修")
    assert response.url == url("round", new_round.pk)
    cohort = CohortFactory()
    cohort.members.add(world.participant, world.colleague)
    response = client.post(
        url("round", new_round.pk),
        {
            "host_school": world.host.pk,
            "mentor": world.mentor.pk,
            "focus": "teaching",
            "starts_on": "2021-04-12",
            "ends_on": "2021-04-16",
            "cohort": cohort.pk,
            "participants": [world.principal.pk],
        },
    )
    assert response.status_code == 302
    assert set(new_round.placements.values_list("participant", flat=True)) == {
        world.participant.pk,
        world.colleague.pk,
        world.principal.pk,
    }


def test_planning_an_unpaired_school_names_the_problem_and_places_nobody(client, world):
    client.force_login(world.office)
    response = client.post(
        url("round", world.round.pk),
        {
            "host_school": world.host.pk,
            "mentor": world.mentor.pk,
            "focus": "teaching",
            "starts_on": "2020-10-19",
            "ends_on": "2020-10-23",
            "participants": [world.participant.pk, world.outsider.pk],
        },
    )
    assert response.status_code == 400
    assert "刘芳" in response.content.decode()
    assert not Placement.objects.exists()


def test_office_export_has_chinese_headers_and_names(client, world, placement):
    advance(world, placement, "approved", days=2)
    client.force_login(world.office)
    response = client.get(url("office"), {"round": world.round.pk, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:3] == ["研修批次", "跟岗学校", "姓名"]
    row = [c.value for c in sheet[2]]
    assert row[2] == "ꀊꁨꃀꑭ" and row[9] == "已认定" and row[12] == 2
    csv_response = client.get(url("office"), {"export": "csv"})
    assert csv_response.content.startswith("\ufeff".encode())
    assert "ꀊꁨꃀꑭ" in csv_response.content.decode("utf-8-sig")


def _grow(world, n):
    """n more participants at the school, each placed and logging."""
    for i in range(n):
        someone = person("teacher", world.supported, name=f"教师{i}")
        (placement,) = plan(world, participant=someone, mentor=world.mentor)
        log_days(placement, 2)


@pytest.mark.parametrize(
    ("name", "who", "queries"),
    [
        # session + user (with profile and school) + the list; permissions
        # and the catalog URL of the navigation are kept in the cache
        ("mine", "participant", 3),
        # ... + perm check shares the cached perms; the list
        ("mentees", "mentor", 3),
        # ... + the principal's schools are a subquery of the list
        ("school", "principal", 3),
        # session, user; rounds overview (2), the list, filter choices: rounds
        # and host schools
        ("office", "office", 7),
    ],
)
def test_list_queries_do_not_grow_with_rows(
    client, world, django_assert_num_queries, name, who, queries
):
    client.force_login(getattr(world, who))
    _grow(world, 1)
    client.get(url(name))  # warm caches (site root, content types)
    with django_assert_num_queries(queries):
        assert client.get(url(name)).status_code == 200
    _grow(world, 5)
    with django_assert_num_queries(queries):
        client.get(url(name))


def test_detail_queries_do_not_grow_with_logs(
    client, world, placement, django_assert_num_queries
):
    from placements.attachments import attachment_add

    from .test_attachments import upload

    logs = log_days(placement, 1)
    client.force_login(world.mentor)
    client.get(url("detail", placement.pk))
    with django_assert_num_queries(6) as before:  # constant, see below
        client.get(url("detail", placement.pk))
    logs += [
        *(
            __import__("placements.services", fromlist=["x"]).log_save(
                placement=placement,
                actor=world.participant,
                date=START.replace(day=20 + n),
                activities=["taught"],
                did="d",
                learned="l",
            )
            for n in range(3)
        )
    ]
    for log in logs:
        attachment_add(
            log=log, actor=world.participant, upload=upload("a.pdf", b"%PDF-1")
        )
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(url("detail", placement.pk))


def test_mentor_confirms_every_day_at_once_others_cannot(client, world, placement):
    placement = advance(world, placement, "submitted", days=3)
    client.force_login(world.participant)
    assert client.post(url("confirm_all", placement.pk)).status_code == 403
    client.force_login(world.mentor)
    client.post(url("confirm_all", placement.pk))
    assert placement.logs.filter(confirmed_at__isnull=True).count() == 0


def test_new_log_form_offers_the_first_day_without_a_log(client, world, placement):
    log_days(placement, 2)
    client.force_login(world.participant)
    page = client.get(url("log_new", placement.pk)).content.decode()
    assert 'value="2020-10-21"' in page


def test_export_is_in_the_audit_log(client, world, placement):
    from people.models import AuditEvent

    client.force_login(world.office)
    client.get(url("office"), {"round": world.round.pk, "export": "csv"})
    event = AuditEvent.objects.get(action="export")
    assert event.actor == world.office
    assert event.details["report"] == "placements"
    assert event.details["filters"] == {"round": str(world.round)}


def test_placing_someone_twice_in_a_round_is_refused_by_name(client, world):
    plan(world, starts_on=START, ends_on=datetime.date(2020, 10, 20))
    client.force_login(world.office)
    response = client.post(
        url("round", world.round.pk),
        {"host_school": world.host.pk, "mentor": world.mentor.pk, "focus": "teaching",
         "starts_on": "2020-10-26", "ends_on": "2020-10-27",
         "participants": [world.participant.pk]},
    )  # fmt: skip
    assert response.status_code == 400
    assert "ꀊꁨꃀꑭ 已在本批次中" in response.content.decode()
    assert Placement.objects.count() == 1


def test_round_ending_before_it_starts_is_refused_in_words(client, world):
    client.force_login(world.office)
    response = client.post(
        url("round_new"),
        {"programme": world.programme.pk, "name": "倒过来的批次",
         "starts_on": "2021-04-23", "ends_on": "2021-04-12"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "结束日期早于开始日期" in response.content.decode()
    assert not PlacementRound.objects.filter(name="倒过来的批次").exists()


def test_log_form_of_a_submitted_placement_sends_the_participant_back(
    client, world, placement
):
    placement = advance(world, placement, "submitted", days=1)
    client.force_login(world.participant)
    response = client.get(url("log_new", placement.pk))
    assert response.status_code == 302
    assert response.url == url("detail", placement.pk)


def test_evaluation_without_a_rating_says_so(client, world, placement):
    placement = advance(world, placement, "submitted", days=1)
    client.force_login(world.mentor)
    client.post(url("confirm_all", placement.pk))
    response = client.post(
        url("evaluate", placement.pk),
        {"rating": "", "evaluation": "态度认真，每天按时听课并主动试讲，进步明显。"},
        follow=True,
    )
    assert "评价等级" in response.content.decode()
    placement.refresh_from_db()
    assert placement.status == Status.SUBMITTED
