"""The security audit log: what writes it (sign-ins, failures, passwords, two
factors, roles, certificates, exports) and the administrators' read-only view."""

import pytest
from django.urls import reverse

from certificates.bulk import batch_start
from certificates.services import certificate_issue, certificate_revoke
from courses.models import TrackCompletion, TrackEnrolment
from courses.models.learning import CompletionStatus
from people import audit
from people.models import AuditEvent, Role
from people.services import profile_set_role, user_create
from tests.factories import (
    PASSWORD,
    CertificateTemplateFactory,
    ProfileFactory,
    TrackFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
LOG = "/django-admin/people/auditevent/"


def _actions(**filters):
    return list(
        AuditEvent.objects.filter(**filters)
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_record_writes_who_what_and_from_where(rf, office):
    request = rf.get("/", REMOTE_ADDR="203.0.113.9")
    request.user = office

    event = audit.record(
        action="export",
        request=request,
        target="完成情况 · 洪溪初级中学 " + "x" * 300,
        details={"format": "xlsx", "rows": 120},
    )

    event.refresh_from_db()
    assert event.actor == office and event.actor_name == office.username
    assert event.ip == "203.0.113.9"
    assert (
        event.target.startswith("完成情况 · 洪溪初级中学") and len(event.target) == 255
    )
    assert event.details == {"format": "xlsx", "rows": 120}


def test_record_refuses_an_unknown_action(office):
    with pytest.raises(ValueError):
        audit.record(action="exprot", actor=office)
    assert not AuditEvent.objects.filter(action="exprot").exists()


def test_sign_in_failure_and_sign_out_are_recorded_without_the_password(client):
    user = UserFactory(username="ahuo")

    client.post(reverse("account_login"), {"login": "ahuo", "password": "wrong-pw"})
    client.post(reverse("account_login"), {"login": "ahuo", "password": PASSWORD})
    client.post(reverse("account_logout"))

    assert _actions() == ["login_failed", "login", "logout"]
    failed = AuditEvent.objects.get(action="login_failed")
    assert failed.target == "ahuo" and failed.actor is None
    assert failed.ip == "127.0.0.1"
    assert "wrong-pw" not in str(failed.details)
    assert AuditEvent.objects.get(action="login").actor == user


def test_failed_sign_in_of_an_unknown_name_is_recorded(client, db):
    client.post(reverse("account_login"), {"login": "nobody", "password": "x" * 9})

    assert AuditEvent.objects.get(action="login_failed").target == "nobody"


def test_password_change_is_recorded(client, teacher):
    client.force_login(teacher)

    client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "leshan-meigu-2021",
            "password2": "leshan-meigu-2021",
        },
    )

    assert AuditEvent.objects.get(action="password_change").actor == teacher


def test_role_change_in_the_wagtail_user_form_names_who_made_it(client, office, school):
    person = ProfileFactory(role=Role.TEACHER, school=school).user
    client.force_login(office)

    response = client.post(
        reverse("wagtailusers_users:edit", args=[person.pk]),
        {
            "username": person.username,
            "email": person.email,
            "name": person.name,
            "role": Role.PRINCIPAL,
            "school": school.pk,
            "subject": "",
            "is_active": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="role_change", target=person.username)
    assert event.actor == office
    assert event.details == {"from": "teacher", "to": "principal"}


def test_role_change_by_service_is_recorded_once(teacher):
    profile_set_role(profile=teacher.profile, role=Role.PRINCIPAL)
    profile_set_role(profile=teacher.profile, role=Role.PRINCIPAL)

    assert _actions(target=teacher.username) == ["role_change"]


def test_new_teachers_are_not_role_changes_but_new_office_staff_are(db, school):
    user_create(username="t1", name="吉木子洛", role=Role.TEACHER, school=school)
    user_create(username="o1", name="陈静", role=Role.OFFICE, school=school)

    assert _actions(action="role_change") == ["role_change"]
    assert AuditEvent.objects.get(action="role_change").details == {
        "from": "",
        "to": "office",
    }


def test_granting_and_removing_administrator_rights_is_recorded(teacher):
    teacher.is_superuser = True
    teacher.save()
    teacher.is_superuser = False
    teacher.save(update_fields=["is_superuser"])
    teacher.name = "改名"
    teacher.save()

    assert [e.details for e in AuditEvent.objects.filter(target=teacher.username)] == [
        {"from": "admin", "to": ""},
        {"from": "", "to": "admin"},
    ]


def test_certificate_issue_and_revocation_are_recorded(office, teacher):
    certificate = certificate_issue(
        holder=teacher,
        template=CertificateTemplateFactory(),
        issued_by=office,
        track=TrackFactory(),
        override_reason="纸质材料已核验",
    )
    certificate_revoke(certificate=certificate, revoked_by=office, reason="重复发放")

    issued, revoked = AuditEvent.objects.filter(
        action__startswith="certificate"
    ).order_by("pk")
    assert (issued.action, revoked.action) == (
        "certificate_issue",
        "certificate_revoke",
    )
    assert issued.actor == revoked.actor == office
    assert certificate.serial in issued.target and teacher.name in issued.target
    assert issued.details["kind"] == "override"


def test_bulk_issuance_is_one_event_not_one_per_certificate(office):
    track = TrackFactory()
    for teacher in UserFactory.create_batch(3):
        TrackEnrolment.objects.create(user=teacher, track=track)
        TrackCompletion.objects.create(
            user=teacher, track=track, status=CompletionStatus.COMPLETED
        )
    batch = batch_start(
        template=CertificateTemplateFactory(), created_by=office, track=track
    )

    event = AuditEvent.objects.get(action="certificate_bulk_issue")
    assert event.actor == office
    assert event.details == {"batch": batch.pk, "certificates": 3}


# The administrators' view


def test_only_administrators_see_the_log(client, office, teacher, admin_user):
    for user in (office, teacher):
        client.force_login(user)
        assert client.get(LOG).status_code == 302  # to the admin's sign-in

    client.force_login(admin_user)
    assert client.get(LOG).status_code == 200


def test_log_is_read_only(client, admin_user):
    client.force_login(admin_user)
    event = audit.record(action="export", actor=admin_user, target="报表")

    assert client.get(LOG + "add/").status_code == 403
    client.post(f"{LOG}{event.pk}/change/", {"target": "changed"})
    client.post(f"{LOG}{event.pk}/delete/", {"post": "yes"})
    client.post(LOG, {"action": "delete_selected", "_selected_action": [event.pk]})

    event.refresh_from_db()
    assert event.target == "报表"


def test_log_filters_by_action_and_searches_names(client, admin_user):
    audit.record(action="login_failed", target="ahuo")
    audit.record(action="export", actor=admin_user, target="名单")
    client.force_login(admin_user)

    failed = client.get(LOG, {"action__exact": "login_failed"})
    found = client.get(LOG, {"q": "ahuo"})

    assert [e.action for e in failed.context["cl"].result_list] == ["login_failed"]
    assert [e.target for e in found.context["cl"].result_list] == ["ahuo"]


@pytest.mark.parametrize("count", [3, 30])
def test_log_list_query_count_does_not_grow(
    client, admin_user, count, django_assert_num_queries
):
    for n in range(count):
        audit.record(action="login_failed", target=f"user{n}")
    client.force_login(admin_user)

    # 7 whatever the number: session, user (with its two-factor facts and
    # profile), the count, the page of events, the date hierarchy's first and
    # last dates and its days, and the catalog's URL (navigation; then kept
    # in the cache). A superuser's permissions are not queried.
    with django_assert_num_queries(7):
        response = client.get(LOG)

    assert response.status_code == 200
    # Besides: the admin's role change, authenticator and sign-in.
    assert len(response.context["cl"].result_list) == count + 3


def test_saving_people_loaded_without_role_or_flags_records_nothing(teacher):
    user = type(teacher).objects.only("pk", "name").get(pk=teacher.pk)
    user.name = "吉克"
    user.save(update_fields=["name"])
    profile = type(teacher.profile).objects.only("pk", "phone").get(user=teacher)
    profile.phone = "138"
    profile.save(update_fields=["phone"])

    assert not AuditEvent.objects.filter(action="role_change").exists()
