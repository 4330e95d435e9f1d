"""What every URL answers each role: the authorization matrix's table.

One line per URL name. Codes are in this order of roles:

    anon  teacher  principal  mentor  trainer  office

`teacher` is another teacher of the owner's school, `principal` leads another
school, so neither may see or change anything of the owner's (world.py).
L = redirect to sign in, H = the Wagtail admin's refusal (redirect to the
admin home), R = another redirect; otherwise the HTTP status.
`post` is given where the view writes; a refused POST (a role not in
`changes`) must not write to any table.

A new view fails test_every_url_has_an_expectation until it has a line here.
"""

from courses.selectors import activity_iri

from .harness import E
from .world import ACTIVITY_ID, ROLES

EVERYONE = " ".join(ROLES)
SIGNED_IN = " ".join(ROLES[1:])
TOKEN = "=" + "0" * 32

# The project's own views --------------------------------------------------
PROJECT = {
    # core: the web app manifest, the service worker and its offline page are
    # the same for everyone (nothing personal in them; tests/core/test_offline.py).
    "core:manifest": E(get="200 200 200 200 200 200", post="405 405 405 405 405 405"),
    "core:service_worker": E(get="200 200 200 200 200 200", post="405 405 405 405 405 405"),
    "core:offline": E(get="200 200 200 200 200 200", post="405 405 405 405 405 405"),
    # people
    "people:start": E(get="L R R R H R"),
    "people:me": E(get="L 200 200 200 200 200"),
    "people:school_staff": E(get="L 403 404 403 403 200", query="school={w.school_a.pk}"),
    "people:office": E(get="L 403 403 403 403 200"),
    "people:import_start": E(get="L 403 403 403 403 200", post="L 403 403 403 403 400"),
    "people:import_template": E(get="L 403 403 403 403 200"),
    "people:import_preview": E(get="L 403 403 403 403 R", kw={"token": TOKEN}),
    "people:import_confirm": E(get="405 405 405 405 405 405", post="L 403 403 403 403 R"),
    "people:import_passwords": E(get="L 403 403 403 403 R", kw={"token": TOKEN}),
    "people:import_discard": E(get="405 405 405 405 405 405", post="L 403 403 403 403 R"),
    # courses: learners
    "courses:my_learning": E(get="L 200 200 200 200 200"),
    "courses:enrol": E(get="405 405 405 405 405 405", post="L R R R R R", changes=SIGNED_IN),
    "courses:withdraw": E(get="405 405 405 405 405 405", post="L R 404 404 404 404", changes="teacher"),
    "courses:lesson_complete": E(get="405 405 405 405 405 405", post="L R R R R R", kw={"lesson_id": "lesson.pk"}, changes="teacher"),
    "courses:reflection_submit": E(get="405 405 405 405 405 405", post="L R R R R R", kw={"lesson_id": "reflection_lesson.pk", "block_id": "=matrix-prompt"}, data={"text": "=我的研修体会写在这里"}, changes="teacher"),
    # The player's library code, aggregated, and its libraries' files by
    # versioned folder: public, like static files (no learner's data).
    "courses:h5p_asset": E(get="200 200 200 200 200 200", kw={"name": "h5p_asset"}),
    "courses:h5p_library_file": E(get="200 200 200 200 200 200", kw={"versioned": "h5p_versioned", "path": "=library.json"}),
    # Content files for the lesson page to hand to its player: who may play.
    "courses:h5p_content": E(get="L 200 403 403 200 200", kw={"path": "=content.json"}),
    # The sandboxed player has no session: the owner's capability token alone
    # opens the files too big to hand over, whoever holds it (only the owner's
    # lesson page is given it). Bad, expired and revoked tokens:
    # tests/courses/test_h5p_serving.py.
    "courses:h5p_file": E(get="200 200 200 200 200 200", kw={"token": "h5p_token"}),
    "courses:xapi_statement": E(get="405 405 405 405 405 405", post="L 200 400 400 400 400", json=lambda w: {"verb": {"id": "http://adlnet.gov/expapi/verbs/passed"}, "object": {"id": activity_iri(w.quiz_lesson, ACTIVITY_ID)}, "result": {"score": {"scaled": 1}}}, changes="teacher"),
    "courses:h5p_user_data": E(get="L 200 403 403 200 200", post="L 200 403 403 200 200", data={"data": '={{"answers": [1]}}'}, changes="teacher trainer office"),
    # courses: office
    "courses:office_tracks": E(get="L 403 403 403 403 200"),
    "courses:office_track_enrol": E(get="L 403 403 403 403 200", post="L 403 403 403 403 R", data={"school": "school_a.pk", "confirm": "=|{w.school_a.pk}|"}, changes="office"),
    "courses_reflection_queue": E(get="L 403 403 403 200 H", sees_owner="trainer office"),
    "courses_reflection_review": E(get="L 403 403 403 200 H", post="L 403 403 403 R H", kw={"pk": "reflection.pk"}, data={"decision": "=accept"}, changes="trainer", sees_owner="trainer office"),
    # certificates
    "certificates:mine": E(get="L 200 200 200 200 200"),
    "certificates:download": E(get="L 404 404 404 404 200"),
    "certificates:school": E(get="L 403 200 403 403 200", query="school={w.school_a.pk}"),
    "certificates:office": E(get="L 403 403 403 403 200"),
    "certificates:issue": E(get="L 403 403 403 403 200", post="L 403 403 403 403 R", data={"holder": "=owner-a", "course": "course.pk", "template": "template.pk", "override_reason": "=矩阵测试", "confirm": "=owner-a||{w.course.pk}|{w.template.pk}"}, changes="office"),
    "certificates:revoke": E(get="L 403 403 403 403 200", post="L 403 403 403 403 R", kw={"pk": "certificate.pk"}, data={"reason": "=矩阵测试"}, changes="office"),
    # The track's only holder has a certificate already: the confirm leads to the earlier batch.
    "certificates:bulk": E(get="L 403 403 403 403 200", post="L 403 403 403 403 R", data={"track": "track.pk", "template": "template.pk", "confirm": "={w.track.pk}||||{w.template.pk}"}, changes="office"),
    "certificates:bulk_detail": E(get="L 403 403 403 403 200", kw={"pk": "batch.pk"}),
    "certificates:bulk_progress": E(get="L 403 403 403 403 200", kw={"pk": "batch.pk"}),
    "certificates:bulk_download": E(get="L 403 403 403 403 200", kw={"pk": "batch.pk"}),
    "certificates:verify_lookup": E(get="200 200 200 200 200 200", post="405 405 405 405 405 405"),
    "certificates:verify": E(get="200 200 200 200 200 200", post="405 405 405 405 405 405", sees_owner=EVERYONE),
    "certificates_template_preview": E(get="L 403 403 403 H 200", kw={"pk": "template.pk"}),
    # placements: the owner's placement is mentored by someone else, so the
    # matrix's mentor is a stranger to it; the office may read everything but
    # writes only what is the office's to write.
    "placements:mine": E(get="L 200 200 200 200 200"),
    "placements:mentees": E(get="L 403 403 200 403 403"),
    "placements:school": E(get="L 403 200 403 403 403"),
    "placements:detail": E(get="L 404 404 404 404 200", kw={"pk": "placement.pk"}),
    "placements:log_new": E(get="L 404 404 404 404 403", post="L 404 404 404 404 403", kw={"pk": "placement.pk"}, data={"date": "=2020-10-20", "activities": "=observed", "did": "=x", "learned": "=y"}),
    "placements:log_edit": E(get="L 404 404 404 404 403", post="L 404 404 404 404 403", kw={"pk": "placement.pk", "log_pk": "log.pk"}, data={"date": "=2020-10-19", "activities": "=taught", "did": "=x", "learned": "=y"}),
    "placements:log_delete": E(get="L 405 405 405 405 405", post="L 404 404 404 404 403", kw={"pk": "placement.pk", "log_pk": "log.pk"}),
    "placements:log_confirm": E(get="L 405 405 405 405 405", post="L 404 404 404 404 403", kw={"pk": "placement.pk", "log_pk": "log.pk"}, data={"confirmed": "=on"}),
    "placements:confirm_all": E(get="L 405 405 405 405 405", post="L 404 404 404 404 403", kw={"pk": "placement.pk"}),
    "placements:submit": E(get="L 405 405 405 405 405", post="L 404 404 404 404 403", kw={"pk": "placement.pk"}, data={"report": "=" + "总结" * 60}),
    "placements:evaluate": E(get="L 405 405 405 405 405", post="L 404 404 404 404 403", kw={"pk": "placement.pk"}, data={"rating": "=good", "evaluation": "=" + "评语" * 20}),
    # The office may return and approve, but not a placement still in progress.
    "placements:return": E(get="L 405 405 405 405 405", post="L 404 404 404 404 R", kw={"pk": "placement.pk"}, data={"comment": "=退回"}),
    "placements:approve": E(get="L 405 405 405 405 405", post="L 404 404 404 404 R", kw={"pk": "placement.pk"}),
    "placements:attachment": E(get="L 404 404 404 404 200", kw={"pk": "attachment.pk"}),
    "placements:attachment_thumbnail": E(get="L 404 404 404 404 200", kw={"pk": "attachment.pk"}),
    "placements:attachment_delete": E(get="L 405 405 405 405 405", post="L 404 404 404 404 403", kw={"pk": "attachment.pk"}),
    "placements:office": E(get="L 403 403 403 403 200"),
    "placements:round_new": E(get="L 403 403 403 403 200", post="L 403 403 403 403 400"),
    "placements:round": E(get="L 403 403 403 403 200", post="L 403 403 403 403 400", kw={"pk": "placement_round.pk"}),
    # Dates outside the round, and a placement that has started: refused.
    "placements:reschedule": E(get="L 403 403 403 403 405", post="L 403 403 403 403 R", kw={"pk": "placement.pk"}, data={"starts_on": "=2019-01-01", "ends_on": "=2019-01-02"}),
    "placements:remove": E(get="L 403 403 403 403 405", post="L 403 403 403 403 R", kw={"pk": "placement.pk"}),
    # reports: the programme-wide tables are the office's; to others they do
    # not exist.
    "reports:school": E(get="L 403 200 403 403 200"),
    "reports:office": E(get="L 403 403 403 403 200"),
    "reports:transcript": E(get="L 404 404 404 404 200", kw={"user_id": "owner.pk"}),
    "reports:transcript_pdf": E(get="L 404 404 404 404 200", kw={"user_id": "owner.pk"}),
    "reports:export": E(get="L 405 405 405 405 405", post="L 404 404 404 404 200", kw={"table": "=schools"}, query="track={w.track.pk}", data={"fmt": "=csv"}, changes="office"),
    "reports:export_job": E(get="L 404 404 404 404 200", kw={"pk": "export_job.pk"}),
    "reports:export_progress": E(get="L 404 404 404 404 200", kw={"pk": "export_job.pk"}),
    "reports:export_download": E(get="L 404 404 404 404 200", kw={"pk": "export_job.pk"}),
    # The user admin: its forms and edit view are the project's (people/admin_views.py).
    "wagtailusers_users:index": E(get="L 403 403 403 H 200"),
    "wagtailusers_users:index_results": E(get="L 403 403 403 H 200"),
    "wagtailusers_users:add": E(get="L 403 403 403 H 200", post="L 403 403 403 H 200"),
    "wagtailusers_users:edit": E(get="L 403 403 403 H 200", post="L 403 403 403 H 200", kw={"pk": "owner.pk"}),
    "wagtailusers_users:delete": E(get="L 403 403 403 H H", post="L 403 403 403 H H", kw={"pk": "owner.pk"}),
    "wagtailusers_users:copy": E(get="L 403 403 403 H 200", post="L 403 403 403 H 200", kw={"pk": "owner.pk"}),
    "wagtailusers_users:history": E(get="L 403 403 403 H 200", kw={"pk": "owner.pk"}),
    "wagtailusers_users:history_results": E(get="L 403 403 403 H 200", kw={"pk": "owner.pk"}),
    "wagtailusers_users:usage": E(get="L 403 403 403 H 200", kw={"pk": "owner.pk"}),
}  # fmt: skip

# Snippet admin of the project's models (cms/snippets.py adds the permission
# check Wagtail's choosers lack). Choosers have no creation form: 404.
SNIPPETS = {
    # people.school
    "wagtailsnippets_people_school:add": E(get="L 403 403 403 H 200", post="L 403 403 403 H 200"),
    "wagtailsnippets_people_school:copy": E(get="L 403 403 403 H 200", post="L 403 403 403 H 200", kw={"pk": "school_a.pk"}),
    "wagtailsnippets_people_school:delete": E(get="L 403 403 403 H H", post="L 403 403 403 H H", kw={"pk": "school_a.pk"}),
    "wagtailsnippets_people_school:edit": E(get="L 403 403 403 H 200", post="L 403 403 403 H 200", kw={"pk": "school_a.pk"}),
    "wagtailsnippets_people_school:history": E(get="L 403 403 403 H 200", kw={"pk": "school_a.pk"}),
    "wagtailsnippets_people_school:history_results": E(get="L 403 403 403 H 200", kw={"pk": "school_a.pk"}),
    "wagtailsnippets_people_school:list": E(get="L 403 403 403 H 200"),
    "wagtailsnippets_people_school:list_results": E(get="L 403 403 403 H 200"),
    "wagtailsnippets_people_school:usage": E(get="L 403 403 403 H 200", kw={"pk": "school_a.pk"}),
    "wagtailsnippetchoosers_people_school:choose": E(get="L 403 403 403 H 200"),
    "wagtailsnippetchoosers_people_school:choose_results": E(get="L 403 403 403 H 200"),
    "wagtailsnippetchoosers_people_school:chosen": E(get="L 403 403 403 H 200", kw={"pk": "school_a.pk"}),
    "wagtailsnippetchoosers_people_school:chosen_multiple": E(get="L 403 403 403 H 200"),
    "wagtailsnippetchoosers_people_school:create": E(get="L 403 403 403 404 404", post="L 403 403 403 404 404"),
    # people.pairing
    "wagtailsnippets_people_pairing:add": E(get="L 403 403 403 H 200", post="L 403 403 403 H 200"),
    "wagtailsnippets_people_pairing:copy": E(get="L 403 403 403 H 200", post="L 403 403 403 H 200", kw={"pk": "pairing.pk"}),
    "wagtailsnippets_people_pairing:delete": E(get="L 403 403 403 H 200", post="L 403 403 403 H R", kw={"pk": "pairing.pk"}, changes="office"),
    "wagtailsnippets_people_pairing:edit": E(get="L 403 403 403 H 200", post="L 403 403 403 H 200", kw={"pk": "pairing.pk"}),
    "wagtailsnippets_people_pairing:history": E(get="L 403 403 403 H 200", kw={"pk": "pairing.pk"}),
    "wagtailsnippets_people_pairing:history_results": E(get="L 403 403 403 H 200", kw={"pk": "pairing.pk"}),
    "wagtailsnippets_people_pairing:list": E(get="L 403 403 403 H 200"),
    "wagtailsnippets_people_pairing:list_results": E(get="L 403 403 403 H 200"),
    "wagtailsnippets_people_pairing:usage": E(get="L 403 403 403 H 200", kw={"pk": "pairing.pk"}),
    "wagtailsnippetchoosers_people_pairing:choose": E(get="L 403 403 403 H 200"),
    "wagtailsnippetchoosers_people_pairing:choose_results": E(get="L 403 403 403 H 200"),
    "wagtailsnippetchoosers_people_pairing:chosen": E(get="L 403 403 403 H 200", kw={"pk": "pairing.pk"}),
    "wagtailsnippetchoosers_people_pairing:chosen_multiple": E(get="L 403 403 403 H 200"),
    "wagtailsnippetchoosers_people_pairing:create": E(get="L 403 403 403 404 404", post="L 403 403 403 404 404"),
    # people.cohort
    "wagtailsnippets_people_cohort:add": E(get="L 403 403 403 H 200", post="L 403 403 403 H 200"),
    "wagtailsnippets_people_cohort:copy": E(get="L 403 403 403 H 200", post="L 403 403 403 H 200", kw={"pk": "cohort.pk"}),
    "wagtailsnippets_people_cohort:delete": E(get="L 403 403 403 H H", post="L 403 403 403 H H", kw={"pk": "cohort.pk"}),
    "wagtailsnippets_people_cohort:edit": E(get="L 403 403 403 H 200", post="L 403 403 403 H 200", kw={"pk": "cohort.pk"}),
    "wagtailsnippets_people_cohort:history": E(get="L 403 403 403 H 200", kw={"pk": "cohort.pk"}),
    "wagtailsnippets_people_cohort:history_results": E(get="L 403 403 403 H 200", kw={"pk": "cohort.pk"}),
    "wagtailsnippets_people_cohort:list": E(get="L 403 403 403 H 200"),
    "wagtailsnippets_people_cohort:list_results": E(get="L 403 403 403 H 200"),
    "wagtailsnippets_people_cohort:usage": E(get="L 403 403 403 H 200", kw={"pk": "cohort.pk"}),
    "wagtailsnippetchoosers_people_cohort:choose": E(get="L 403 403 403 H 200"),
    "wagtailsnippetchoosers_people_cohort:choose_results": E(get="L 403 403 403 H 200"),
    "wagtailsnippetchoosers_people_cohort:chosen": E(get="L 403 403 403 H 200", kw={"pk": "cohort.pk"}),
    "wagtailsnippetchoosers_people_cohort:chosen_multiple": E(get="L 403 403 403 H 200"),
    "wagtailsnippetchoosers_people_cohort:create": E(get="L 403 403 403 404 404", post="L 403 403 403 404 404"),
    # courses.programme
    "wagtailsnippets_courses_programme:add": E(get="L 403 403 403 H 200", post="L 403 403 403 H 200"),
    "wagtailsnippets_courses_programme:copy": E(get="L 403 403 403 H 200", post="L 403 403 403 H 200", kw={"pk": "programme.pk"}),
    "wagtailsnippets_courses_programme:delete": E(get="L 403 403 403 H H", post="L 403 403 403 H H", kw={"pk": "programme.pk"}),
    "wagtailsnippets_courses_programme:edit": E(get="L 403 403 403 H 200", post="L 403 403 403 H 200", kw={"pk": "programme.pk"}),
    "wagtailsnippets_courses_programme:history": E(get="L 403 403 403 H 200", kw={"pk": "programme.pk"}),
    "wagtailsnippets_courses_programme:history_results": E(get="L 403 403 403 H 200", kw={"pk": "programme.pk"}),
    "wagtailsnippets_courses_programme:list": E(get="L 403 403 403 200 200"),
    "wagtailsnippets_courses_programme:list_results": E(get="L 403 403 403 200 200"),
    "wagtailsnippets_courses_programme:usage": E(get="L 403 403 403 H 200", kw={"pk": "programme.pk"}),
    "wagtailsnippetchoosers_courses_programme:choose": E(get="L 403 403 403 200 200"),
    "wagtailsnippetchoosers_courses_programme:choose_results": E(get="L 403 403 403 200 200"),
    "wagtailsnippetchoosers_courses_programme:chosen": E(get="L 403 403 403 200 200", kw={"pk": "programme.pk"}),
    "wagtailsnippetchoosers_courses_programme:chosen_multiple": E(get="L 403 403 403 200 200"),
    "wagtailsnippetchoosers_courses_programme:create": E(get="L 403 403 403 404 404", post="L 403 403 403 404 404"),
    # courses.track
    "wagtailsnippets_courses_track:add": E(get="L 403 403 403 H 200", post="L 403 403 403 H 200"),
    "wagtailsnippets_courses_track:copy": E(get="L 403 403 403 H 200", post="L 403 403 403 H 200", kw={"pk": "track.pk"}),
    "wagtailsnippets_courses_track:delete": E(get="L 403 403 403 H H", post="L 403 403 403 H H", kw={"pk": "track.pk"}),
    "wagtailsnippets_courses_track:edit": E(get="L 403 403 403 H 200", post="L 403 403 403 H 200", kw={"pk": "track.pk"}),
    "wagtailsnippets_courses_track:history": E(get="L 403 403 403 H 200", kw={"pk": "track.pk"}),
    "wagtailsnippets_courses_track:history_results": E(get="L 403 403 403 H 200", kw={"pk": "track.pk"}),
    "wagtailsnippets_courses_track:list": E(get="L 403 403 403 200 200"),
    "wagtailsnippets_courses_track:list_results": E(get="L 403 403 403 200 200"),
    "wagtailsnippets_courses_track:usage": E(get="L 403 403 403 H 200", kw={"pk": "track.pk"}),
    "wagtailsnippetchoosers_courses_track:choose": E(get="L 403 403 403 200 200"),
    "wagtailsnippetchoosers_courses_track:choose_results": E(get="L 403 403 403 200 200"),
    "wagtailsnippetchoosers_courses_track:chosen": E(get="L 403 403 403 200 200", kw={"pk": "track.pk"}),
    "wagtailsnippetchoosers_courses_track:chosen_multiple": E(get="L 403 403 403 200 200"),
    "wagtailsnippetchoosers_courses_track:create": E(get="L 403 403 403 404 404", post="L 403 403 403 404 404"),
    # courses.coursecategory
    "wagtailsnippets_courses_coursecategory:add": E(get="L 403 403 403 200 200", post="L 403 403 403 200 200"),
    "wagtailsnippets_courses_coursecategory:copy": E(get="L 403 403 403 200 200", post="L 403 403 403 200 200", kw={"pk": "category.pk"}),
    "wagtailsnippets_courses_coursecategory:delete": E(get="L 403 403 403 H H", post="L 403 403 403 H H", kw={"pk": "category.pk"}),
    "wagtailsnippets_courses_coursecategory:edit": E(get="L 403 403 403 200 200", post="L 403 403 403 200 200", kw={"pk": "category.pk"}),
    "wagtailsnippets_courses_coursecategory:history": E(get="L 403 403 403 200 200", kw={"pk": "category.pk"}),
    "wagtailsnippets_courses_coursecategory:history_results": E(get="L 403 403 403 200 200", kw={"pk": "category.pk"}),
    "wagtailsnippets_courses_coursecategory:list": E(get="L 403 403 403 200 200"),
    "wagtailsnippets_courses_coursecategory:list_results": E(get="L 403 403 403 200 200"),
    "wagtailsnippets_courses_coursecategory:usage": E(get="L 403 403 403 200 200", kw={"pk": "category.pk"}),
    "wagtailsnippetchoosers_courses_coursecategory:choose": E(get="L 403 403 403 200 200"),
    "wagtailsnippetchoosers_courses_coursecategory:choose_results": E(get="L 403 403 403 200 200"),
    "wagtailsnippetchoosers_courses_coursecategory:chosen": E(get="L 403 403 403 200 200", kw={"pk": "category.pk"}),
    "wagtailsnippetchoosers_courses_coursecategory:chosen_multiple": E(get="L 403 403 403 200 200"),
    "wagtailsnippetchoosers_courses_coursecategory:create": E(get="L 403 403 403 404 404", post="L 403 403 403 404 404"),
    # courses.h5ppackage
    "wagtailsnippets_courses_h5ppackage:add": E(get="L 403 403 403 200 200", post="L 403 403 403 200 200"),
    "wagtailsnippets_courses_h5ppackage:delete": E(get="L 403 403 403 200 200", post="L 403 403 403 R R", kw={"pk": "package.pk"}, changes="trainer office"),
    "wagtailsnippets_courses_h5ppackage:edit": E(get="L 403 403 403 200 200", post="L 403 403 403 R R", kw={"pk": "package.pk"}, changes="trainer office"),
    "wagtailsnippets_courses_h5ppackage:history": E(get="L 403 403 403 200 200", kw={"pk": "package.pk"}),
    "wagtailsnippets_courses_h5ppackage:history_results": E(get="L 403 403 403 200 200", kw={"pk": "package.pk"}),
    "wagtailsnippets_courses_h5ppackage:list": E(get="L 403 403 403 200 200"),
    "wagtailsnippets_courses_h5ppackage:list_results": E(get="L 403 403 403 200 200"),
    "wagtailsnippets_courses_h5ppackage:usage": E(get="L 403 403 403 200 200", kw={"pk": "package.pk"}),
    "wagtailsnippetchoosers_courses_h5ppackage:choose": E(get="L 403 403 403 200 200"),
    "wagtailsnippetchoosers_courses_h5ppackage:choose_results": E(get="L 403 403 403 200 200"),
    "wagtailsnippetchoosers_courses_h5ppackage:chosen": E(get="L 403 403 403 200 200", kw={"pk": "package.pk"}),
    "wagtailsnippetchoosers_courses_h5ppackage:chosen_multiple": E(get="L 403 403 403 200 200"),
    "wagtailsnippetchoosers_courses_h5ppackage:create": E(get="L 403 403 403 404 404", post="L 403 403 403 404 404"),
    # certificates.certificatetemplate
    "wagtailsnippets_certificates_certificatetemplate:add": E(get="L 403 403 403 H 200", post="L 403 403 403 H 200"),
    "wagtailsnippets_certificates_certificatetemplate:copy": E(get="L 403 403 403 H 200", post="L 403 403 403 H 200", kw={"pk": "template.pk"}),
    "wagtailsnippets_certificates_certificatetemplate:delete": E(get="L 403 403 403 H H", post="L 403 403 403 H H", kw={"pk": "template.pk"}),
    "wagtailsnippets_certificates_certificatetemplate:edit": E(get="L 403 403 403 H 200", post="L 403 403 403 H 200", kw={"pk": "template.pk"}),
    "wagtailsnippets_certificates_certificatetemplate:history": E(get="L 403 403 403 H 200", kw={"pk": "template.pk"}),
    "wagtailsnippets_certificates_certificatetemplate:history_results": E(get="L 403 403 403 H 200", kw={"pk": "template.pk"}),
    "wagtailsnippets_certificates_certificatetemplate:list": E(get="L 403 403 403 H 200"),
    "wagtailsnippets_certificates_certificatetemplate:list_results": E(get="L 403 403 403 H 200"),
    "wagtailsnippets_certificates_certificatetemplate:usage": E(get="L 403 403 403 H 200", kw={"pk": "template.pk"}),
    "wagtailsnippetchoosers_certificates_certificatetemplate:choose": E(get="L 403 403 403 H 200"),
    "wagtailsnippetchoosers_certificates_certificatetemplate:choose_results": E(get="L 403 403 403 H 200"),
    "wagtailsnippetchoosers_certificates_certificatetemplate:chosen": E(get="L 403 403 403 H 200", kw={"pk": "template.pk"}),
    "wagtailsnippetchoosers_certificates_certificatetemplate:chosen_multiple": E(get="L 403 403 403 H 200"),
    "wagtailsnippetchoosers_certificates_certificatetemplate:create": E(get="L 403 403 403 404 404", post="L 403 403 403 404 404"),
    # certificates.auditentry
    "wagtailsnippets_certificates_auditentry:add": E(get="L 403 403 403 H H", post="L 403 403 403 H H"),
    "wagtailsnippets_certificates_auditentry:copy": E(get="L 403 403 403 H H", post="L 403 403 403 H H", kw={"pk": "audit.pk"}),
    "wagtailsnippets_certificates_auditentry:delete": E(get="L 403 403 403 H H", post="L 403 403 403 H H", kw={"pk": "audit.pk"}),
    "wagtailsnippets_certificates_auditentry:edit": E(get="L 403 403 403 H H", post="L 403 403 403 H H", kw={"pk": "audit.pk"}),
    "wagtailsnippets_certificates_auditentry:history": E(get="L 403 403 403 H H", kw={"pk": "audit.pk"}),
    "wagtailsnippets_certificates_auditentry:history_results": E(get="L 403 403 403 H H", kw={"pk": "audit.pk"}),
    "wagtailsnippets_certificates_auditentry:inspect": E(get="L 403 403 403 H 200", kw={"pk": "audit.pk"}),
    "wagtailsnippets_certificates_auditentry:list": E(get="L 403 403 403 H 200"),
    "wagtailsnippets_certificates_auditentry:list_results": E(get="L 403 403 403 H 200"),
    "wagtailsnippets_certificates_auditentry:usage": E(get="L 403 403 403 H H", kw={"pk": "audit.pk"}),
    "wagtailsnippetchoosers_certificates_auditentry:choose": E(get="L 403 403 403 H 200"),
    "wagtailsnippetchoosers_certificates_auditentry:choose_results": E(get="L 403 403 403 H 200"),
    "wagtailsnippetchoosers_certificates_auditentry:chosen": E(get="L 403 403 403 H 200", kw={"pk": "audit.pk"}),
    "wagtailsnippetchoosers_certificates_auditentry:chosen_multiple": E(get="L 403 403 403 H 200"),
    "wagtailsnippetchoosers_certificates_auditentry:create": E(get="L 403 403 403 404 404", post="L 403 403 403 404 404"),
}  # fmt: skip

# Pages served by Wagtail, one per page type (world attribute -> row). Lessons
# are public; opening one as an enrolled teacher records the visit.
PAGES = {
    "home": E(get="200 200 200 200 200 200"),
    "content": E(get="200 200 200 200 200 200"),
    "catalog": E(get="200 200 200 200 200 200"),
    "course": E(get="200 200 200 200 200 200"),
    "lesson": E(get="200 200 200 200 200 200"),
    "reflection_lesson": E(get="200 200 200 200 200 200"),
    "quiz_lesson": E(get="200 200 200 200 200 200"),
    "draft_lesson": E(get="404 404 404 404 404 404"),
}

# Third-party views outside the admin: sign-in (allauth), language, Wagtail's
# document serving and page-password forms. Their own tests cover their logic;
# here they must simply not answer anyone unexpectedly or fail.
THIRD_PARTY = {
    "account_login": E(get="200 R R R R R", post="200 R R R R R"),
    "account_logout": E(get="R 200 200 200 200 200", post="R R R R R R", changes=SIGNED_IN),
    "account_inactive": E(get="200 200 200 200 200 200"),
    "account_signup": E(get="200 R R R R R", post="200 R R R R R"),
    "account_reauthenticate": E(get="L 200 200 200 200 200", post="L 200 200 200 200 200"),
    "account_request_reauthentication_code": E(get="L R R R R R"),
    "account_confirm_reauthentication_code": E(get="L R R R R R"),
    "account_email": E(get="L 200 200 200 200 200", post="L R R R R R", changes=SIGNED_IN),
    "account_email_verification_sent": E(get="200 200 200 200 200 200"),
    "account_change_password": E(get="L 200 200 200 200 200", post="L 200 200 200 200 200"),
    "account_set_password": E(get="L R R R R R"),
    "account_reset_password": E(get="200 200 200 200 200 200", post="200 200 200 200 200 200"),
    "account_confirm_login_code": E(get="L R R R R R"),
    "account_confirm_email": E(get="200 200 200 200 200 200", post="404 404 404 404 404 404", kw={"key": "=nokey"}),
    "account_reset_password_from_key_done": E(get="200 200 200 200 200 200"),
    "account_reset_password_from_key": E(get="200 200 200 200 200 200", post="200 200 200 200 200 200", kw={"uidb36": "=zz", "key": "=nokey"}),
    "account_reset_password_done": E(get="200 200 200 200 200 200"),
    # Two-factor pages (allauth.mfa), for everyone signed in. A session signed
    # in by the test client has no fresh sign-in, so changes first ask for the
    # password again (R); office staff already have an authenticator and may
    # not remove it (R); without codes there is nothing to download (404).
    "mfa_index": E(get="L 200 200 200 200 200"),
    "mfa_activate_totp": E(get="L R R R R R"),
    "mfa_deactivate_totp": E(get="L 404 404 404 404 R"),
    "mfa_authenticate": E(get="L R R R R R"),
    # Re-entering a code is for those with an authenticator; others go on.
    "mfa_reauthenticate": E(get="L R R R R 200"),
    "mfa_view_recovery_codes": E(get="L 404 404 404 404 404"),
    "mfa_generate_recovery_codes": E(get="L R R R R R"),
    "mfa_download_recovery_codes": E(get="L 404 404 404 404 404"),
    "set_language": E(get="R R R R R R", post="R R R R R R"),
    # A lesson's handout: the course's learners (the matrix's teacher is
    # enrolled) and those who manage documents.
    "wagtaildocs_serve": E(get="L 200 404 404 200 200", path="/documents/{w.document.pk}/{w.document.filename}"),
    "wagtaildocs_authenticate_with_password": E(get="404 404 404 404 404 404", kw={"restriction_id": "=999999"}),
    "wagtailcore_authenticate_with_password": E(get="404 404 404 404 404 404", kw={"page_view_restriction_id": "=999999", "page_id": "home.pk"}),
    "wagtailcore_login": E(get="200 200 200 200 200 200"),
}  # fmt: skip

# A few of the Wagtail admin's and Django admin's own views, standing for the
# rest (see urls.THIRD_PARTY_ADMIN_PREFIXES): entry, page tree and editing,
# group admin, media libraries and Django's admin, which only superusers enter.
REPRESENTATIVE_ADMIN = {
    "wagtailadmin_home": E(get="L 403 403 403 200 200"),
    "wagtailadmin_explore": E(get="L 403 403 403 200 200", kw={"parent_page_id": "course.pk"}),
    "wagtailadmin_pages:edit": E(get="L 403 403 403 200 200", kw={"page_id": "course.pk"}),
    "wagtailadmin_pages:add_subpage": E(get="L 403 403 403 R R", kw={"parent_page_id": "course.pk"}),
    "wagtailadmin_pages:delete": E(get="L 403 403 403 H H", post="L 403 403 403 H H", kw={"page_id": "course.pk"}),
    "wagtailusers_groups:index": E(get="L 403 403 403 H H"),
    "wagtailimages:index": E(get="L 403 403 403 200 200"),
    "wagtaildocs:index": E(get="L 403 403 403 200 200"),
    "admin:index": E(get="R R R R R R"),
    "admin:people_user_changelist": E(get="R R R R R R"),
    "admin:people_user_change": E(get="R R R R R R", post="R R R R R R", kw={"object_id": "owner.pk"}),
}  # fmt: skip

EXPECTED = {**PROJECT, **SNIPPETS, **THIRD_PARTY}
