"""The server's side of the offline outbox: records carry the key of the person
who made them, and anything that would not reach its view as that person is
held (kept on the phone), never answered as if it were final."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from core.outbox import user_key
from courses import services
from courses.models import (
    CourseCompletion,
    H5PPackage,
    H5PUserData,
    HoursEntry,
    LessonPage,
    LessonProgress,
)
from tests.factories import ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(teacher, course_with_lessons):
    course = course_with_lessons(2)
    services.enrolment_create(user=teacher, course=course)
    return LessonPage.objects.child_of(course).live().order_by("path").first()


def _complete(client, lesson, **headers):
    return client.post(
        reverse("courses:lesson_complete", args=[lesson.pk]), headers=headers
    )


def _progress(user, lesson):
    return LessonProgress.objects.filter(user=user, lesson=lesson).first()


def test_user_key_is_stable_per_person_and_empty_for_visitors(teacher, school):
    other = UserFactory()
    ProfileFactory(user=other, role="teacher", school=school)
    from django.contrib.auth.models import AnonymousUser

    assert user_key(teacher) == user_key(teacher)
    assert re.fullmatch(r"[0-9a-f]{32}", user_key(teacher))
    assert user_key(other) != user_key(teacher)
    assert user_key(AnonymousUser()) == ""
    assert str(teacher.pk) not in user_key(teacher)


def test_learner_pages_carry_the_key_and_the_outbox_visitors_do_not(
    client, teacher, lesson
):
    anonymous = client.get(lesson.url).content.decode()
    # Nobody's key (the service worker then keeps nobody's pages).
    assert '<meta name="hongxi-user" content="">' in anonymous
    assert "outbox.js" not in anonymous

    client.force_login(teacher)
    page = client.get(lesson.url).content.decode()

    assert f'<meta name="hongxi-user" content="{user_key(teacher)}">' in page
    # No script of its own on every page: site.js loads outbox.js when the
    # page needs it (something waits, a form or an activity sends), and
    # outbox.js the queue's code (idb-keyval, outbox-replay.js).
    outbox = re.findall(r'<meta name="hongxi-outbox" content="([^"]+)"([^>]*)>', page)
    assert len(outbox) == 1 and outbox[0][0] == "/static/js/outbox.js"
    assert 'data-idb-keyval="/static/idb-keyval/umd.js"' in outbox[0][1]
    assert 'data-replay="/static/js/outbox-replay.js"' in outbox[0][1]
    assert page.index('name="hongxi-outbox"') < page.index("/js/site.js")
    assert 'src="/static/js/outbox.js"' not in page
    assert 'src="/static/js/outbox-replay.js"' not in page
    assert 'id="outbox-notice"' in page and 'aria-live="polite"' in page
    assert 'data-outbox="lesson-complete"' in page
    assert "data-outbox-signout" in page


def test_the_notice_texts_are_translated_for_outbox_js(client, teacher, lesson):
    client.force_login(teacher)
    page = client.get(lesson.url).content.decode()

    texts = json.loads(
        re.search(r'id="outbox-texts" type="application/json">(.*?)</script>', page)[1]
    )
    assert texts["waitingOne"] == texts["waitingOther"] == "有 %(count)s 条记录等待发送"
    assert texts["sentAt"] == "记录已发送（%(time)s）"
    assert texts["savedOnPhone"] == "已保存在手机上，联网后会自动发送"
    assert "%(count)s" in texts["signOutOther"]

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(lesson.url).content.decode()
    texts = json.loads(
        re.search(r'id="outbox-texts" type="application/json">(.*?)</script>', english)[
            1
        ]
    )
    assert texts["waitingOne"] == "%(count)s record waiting to be sent"
    assert texts["waitingOther"] == "%(count)s records waiting to be sent"


def test_a_record_with_the_signed_in_persons_key_goes_through(client, teacher, lesson):
    client.force_login(teacher)

    response = _complete(client, lesson, X_Hongxi_User=user_key(teacher))

    assert response.status_code == 302
    assert "X-Hongxi-Outbox" not in response
    assert _progress(teacher, lesson).status == LessonProgress.Status.COMPLETED


def test_another_persons_record_is_held_and_changes_nothing(
    client, teacher, school, lesson
):
    other = UserFactory()
    ProfileFactory(user=other, role="teacher", school=school)
    client.force_login(teacher)

    response = _complete(client, lesson, X_Hongxi_User=user_key(other))

    assert response.status_code == 401
    assert response["X-Hongxi-Outbox"] == "held"
    assert response.json()["held"] is True
    assert response.json()["error"] == "请由留下这条记录的本人登录后再发送。"
    assert _progress(teacher, lesson) is None


def test_a_record_sent_after_signing_out_is_held(client, teacher, lesson):
    response = _complete(client, lesson, X_Hongxi_User=user_key(teacher))

    assert response.status_code == 401
    assert response["X-Hongxi-Outbox"] == "held"
    assert _progress(teacher, lesson) is None


def test_a_stale_csrf_token_is_held_not_final(teacher, lesson):
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)

    held = _complete(
        client, lesson, X_Hongxi_User=user_key(teacher), X_CSRFToken="x" * 32
    )
    plain = _complete(client, lesson, X_CSRFToken="x" * 32)

    assert held.status_code == 403
    assert held["X-Hongxi-Outbox"] == "held"
    assert held.json()["error"] == "这条记录暂时无法发送，它会留在这部手机上。"
    # Without the outbox's header, Django's own CSRF page as before.
    assert plain.status_code == 403 and "X-Hongxi-Outbox" not in plain
    assert _progress(teacher, lesson) is None


def test_a_forced_password_change_holds_the_record(client, teacher, lesson):
    teacher.must_change_password = True
    teacher.save(update_fields=["must_change_password"])
    client.force_login(teacher)

    response = _complete(client, lesson, X_Hongxi_User=user_key(teacher))

    assert response.status_code == 403
    assert response["X-Hongxi-Outbox"] == "held"
    assert _progress(teacher, lesson) is None


def test_answers_of_the_view_itself_are_not_held(client, teacher, lesson):
    """A refusal by the view (here: not enrolled, 302 back with a message;
    an address that no longer exists, 404) is final: held, it would block
    the person's queue for ever."""
    client.force_login(teacher)
    key = {"X_Hongxi_User": user_key(teacher)}
    services.enrolment_withdraw(enrolment=teacher.enrolments.get())

    refused = _complete(client, lesson, **key)
    gone = client.post("/learn/lessons/999999/complete/", headers=key)

    assert refused.status_code == 302 and "X-Hongxi-Outbox" not in refused
    assert gone.status_code == 404 and "X-Hongxi-Outbox" not in gone


def test_marking_a_completed_lesson_done_again_changes_nothing(client, teacher, lesson):
    """A replayed "mark as done" (sent, answer lost, sent again) neither
    fails nor credits twice."""
    client.force_login(teacher)
    course = lesson.get_parent().specific
    _complete(client, lesson)
    first = _progress(teacher, lesson)
    for other in LessonPage.objects.child_of(course).exclude(pk=lesson.pk):
        _complete(client, other)
    completion = CourseCompletion.objects.get(user=teacher, course=course)
    assert completion.status == "completed"

    again = _complete(client, lesson, X_Hongxi_User=user_key(teacher))

    assert again.status_code == 302
    progress = _progress(teacher, lesson)
    assert (progress.status, progress.completed_at) == (
        first.status,
        first.completed_at,
    )
    assert HoursEntry.objects.filter(user=teacher, course=course).count() == 1
    completion.refresh_from_db()
    assert completion.status == "completed"
    assert CourseCompletion.objects.get(pk=completion.pk).completed_at == (
        completion.completed_at
    )


def test_a_replayed_resume_state_saves_one_row(
    client, teacher, activity_lesson_in_new_course
):
    package = H5PPackage.objects.create(
        title="测验", file="h5p/packages/quiz.h5p", status="ready"
    )
    lesson = activity_lesson_in_new_course(package, block_id="activity-1")
    services.enrolment_create(user=teacher, course=lesson.get_parent().specific)
    client.force_login(teacher)
    url = reverse("courses:h5p_user_data", args=[lesson.pk, "activity-1", "state", "0"])
    body = {"data": '{"answers":[1]}', "preload": "1", "invalidate": "0"}

    answers = [
        client.post(url, body, headers={"X-Hongxi-User": user_key(teacher)})
        for _ in range(2)
    ]

    assert [a.json() for a in answers] == [{"success": True}, {"success": True}]
    rows = H5PUserData.objects.filter(user=teacher, package=package)
    assert [r.data for r in rows] == ['{"answers":[1]}']
