"""H5P activities: judging the xAPI statements the player sends, and the
player's resume state. A client can forge any statement, so the server decides
what counts: the actor is always the signed-in user, only statements about the
whole activity count, scores must be consistent, and the pass mark is ours."""

import math
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import (
    ActivityResult,
    H5PUserData,
    LessonPage,
    XAPIStatement,
)
from courses.selectors import enrolled_and_started
from people.models import User

from .common import locked_row
from .progress import course_of, lesson_check_completion, lesson_visit

VERB_PREFIX = "http://adlnet.gov/expapi/verbs/"
ATTEMPT_VERBS = {"answered", "completed", "passed", "failed"}
# The verbs H5P's player sends (H5P.XAPIEvent.allowedXAPIVerbs in h5p-php-
# library's js/h5p-x-api-event.js), all under VERB_PREFIX. Anything else is
# not from the player and is refused.
H5P_VERBS = frozenset(
    "answered asked attempted attended commented completed exited experienced "
    "failed imported initialized interacted launched mastered passed preferred "
    "progressed registered responded resumed scored shared suspended terminated "
    "voided downloaded copied accessed-reuse accessed-embed accessed-copyright".split()
)
# Content types that always report a score with their result: a statement of
# theirs that claims success without one is forged and never passes.
SCORED_CONTENT_TYPES = frozenset(
    "H5P.LmsQuiz H5P.MultiChoice H5P.TrueFalse H5P.QuestionSet H5P.Blanks "
    "H5P.DragQuestion H5P.DragText H5P.MarkTheWords H5P.SingleChoiceSet "
    "H5P.Summary H5P.ImageHotspotQuestion H5P.ImageMultipleHotspotQuestion "
    "H5P.ArithmeticQuiz H5P.Essay H5P.InteractiveVideo H5P.CoursePresentation "
    "H5P.Crossword H5P.SortParagraphs".split()
)
# Scores are small numbers; bounded before any arithmetic (a 4,000-digit
# integer would overflow the float division).
MAX_SCORE_MAGNITUDE = 10**9
MAX_USER_DATA_CHARS = 64 * 1024
# H5PUserData.data_type and .sub_content_id
MAX_USER_DATA_NAME_CHARS = 64
# H5P's statements nest about eight levels; storing one nested hundreds of
# levels deep would exhaust the JSON encoder's recursion.
MAX_STATEMENT_DEPTH = 32


class StatementConflict(ValidationError):
    """Another statement with the same id was recorded for this user: an LRS
    answers 409 Conflict."""


def activity_for(*, user: User, lesson: LessonPage, block_id: str):
    """The H5P block of a live lesson the user may work on, and whether they
    have started the lesson; ValidationError when they may not."""
    block = lesson.activity_blocks.get(block_id)
    if block is None or not lesson.live:
        raise ValidationError(_("This activity does not exist."))
    enrolled, started = enrolled_and_started(user, lesson)
    if not enrolled:
        raise ValidationError(_("Enrol in the course to record your results."))
    return block, started


def _number(value, name):
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(
            _("The score's %(name)s is not a number.") % {"name": name}
        )
    if isinstance(value, int) and abs(value) > MAX_SCORE_MAGNITUDE:
        raise ValidationError(_("The score is outside its bounds."))
    if not math.isfinite(value) or abs(value) > MAX_SCORE_MAGNITUDE:
        raise ValidationError(
            _("The score's %(name)s is not a number.") % {"name": name}
        )
    return value


def _scaled_score(result: dict) -> Decimal | None:
    """The statement's score as a share of the maximum, checked against its
    bounds; None when it has no score."""
    score = result.get("score")
    if score is None:
        return None
    if not isinstance(score, dict):
        raise ValidationError(_("The score is malformed."))
    scaled = score.get("scaled")
    if "raw" in score or "max" in score:
        raw = _number(score.get("raw"), "raw")
        low = _number(score.get("min", 0), "min")
        high = _number(score.get("max"), "max")
        if not low <= raw <= high or high <= low:
            raise ValidationError(_("The score is outside its bounds."))
        computed = (raw - low) / (high - low)
        if scaled is not None and abs(_number(scaled, "scaled") - computed) > 0.01:
            raise ValidationError(_("The scaled score does not match the raw score."))
        scaled = computed
    elif scaled is not None:
        scaled = _number(scaled, "scaled")
    else:
        return None
    if not 0 <= scaled <= 1:
        raise ValidationError(_("The score is outside its bounds."))
    return Decimal(str(round(scaled, 4)))


def _verb(statement: dict) -> str:
    """The H5P verb of the statement; ValidationError for any other."""
    verb = statement.get("verb")
    verb_id = verb.get("id") if isinstance(verb, dict) else None
    if not isinstance(verb_id, str) or not verb_id:
        raise ValidationError(_("The statement has no verb."))
    if not isinstance(statement.get("object"), dict):
        raise ValidationError(_("The statement has no object."))
    name = verb_id.removeprefix(VERB_PREFIX)
    if not verb_id.startswith(VERB_PREFIX) or name not in H5P_VERBS:
        raise ValidationError(_("The statement's verb is not one H5P sends."))
    return name


def _check_object(statement: dict, lesson: LessonPage, block_id: str) -> None:
    """The statement must be about this activity (or one of its parts)."""
    from courses.selectors import activity_iri

    object_id = statement["object"].get("id")
    iri = activity_iri(lesson, block_id)
    if not isinstance(object_id, str) or not (
        object_id == iri or object_id.startswith(f"{iri}?subContentId=")
    ):
        raise ValidationError(_("The statement is about another activity."))


def _nested_deeper_than(value, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return False


def _is_top_level(statement: dict) -> bool:
    """Only statements without a parent activity speak for the whole activity."""
    context = statement.get("context")
    if not isinstance(context, dict):
        return True
    activities = context.get("contextActivities")
    return not (isinstance(activities, dict) and activities.get("parent"))


@transaction.atomic
def statement_record(
    *, user: User, lesson: LessonPage, block_id: str, statement: dict
) -> ActivityResult | None:
    """Store an xAPI statement from the player and update the activity result.

    A statement counts only for a ready package, with a verb H5P sends and an
    object that is this activity (or part of it). The activity is passed by a
    top-level statement whose verb is not "failed", that does not say
    `success: false`, and whose scaled score reaches the pass mark; without a
    score, one that says success, unless its content type always reports a
    score (SCORED_CONTENT_TYPES), for then the claim is forged. Attempts and
    the best score are kept. Returns the result for top-level statements,
    None for the others.

    A statement with an `id` (a UUID) is recorded once per user: sending the
    same statement again (a queue replayed after an offline spell, a retry
    after a lost answer) changes nothing and returns the result as it stands,
    as an xAPI LRS answers a statement it already holds.
    Raises ValidationError for anything malformed (nested deeper than
    MAX_STATEMENT_DEPTH, an id that is not a UUID) or not allowed, and
    StatementConflict for an id already used by a different statement.
    """
    if not isinstance(statement, dict) or _nested_deeper_than(
        statement, MAX_STATEMENT_DEPTH
    ):
        raise ValidationError(_("The statement is malformed."))
    block, started = activity_for(user=user, lesson=lesson, block_id=block_id)
    package = block.value["package"]
    if package is None or not package.is_ready:
        raise ValidationError(_("This activity is not ready yet."))
    verb = _verb(statement)
    result = statement.get("result") or {}
    if not isinstance(result, dict):
        raise ValidationError(_("The statement's result is malformed."))
    scaled = _scaled_score(result)
    _check_object(statement, lesson, block_id)
    success = result.get("success")
    success = success if isinstance(success, bool) else None
    top_level = _is_top_level(statement)
    # The signed-in user is the actor, whatever the statement claimed.
    statement = {**statement, "actor": _actor(user)}
    statement_id = _statement_id(statement)
    stored = _store_statement(
        user=user, lesson=lesson, block_id=block_id, verb=verb[:255],
        top_level=top_level, score_scaled=scaled, success=success,
        statement=statement, statement_id=statement_id,
    )  # fmt: skip
    if not stored:
        return _replayed(user, lesson, block_id, top_level)
    if not started:  # a statement starts the lesson, as opening it does
        lesson_visit(user=user, lesson=lesson)
    if not top_level:
        return None
    scored = package.main_library.split(" ")[0] in SCORED_CONTENT_TYPES
    return _update_result(user, lesson, block, verb, scaled, success, scored)


def _statement_id(statement: dict) -> uuid.UUID | None:
    value = statement.get("id")
    if value is None:
        return None
    try:
        if not isinstance(value, str):
            raise ValueError
        return uuid.UUID(value)
    except ValueError:
        raise ValidationError(_("The statement's id is not a UUID.")) from None


def _store_statement(*, user, statement_id, statement, **fields) -> bool:
    """Store the statement; False when this user's statement with the same id
    is already stored (the same statement: StatementConflict otherwise)."""
    if statement_id is None:
        XAPIStatement.objects.create(user=user, statement=statement, **fields)
        return True
    try:
        with transaction.atomic():
            XAPIStatement.objects.create(
                user=user, statement=statement, statement_id=statement_id, **fields
            )
        return True
    except IntegrityError:
        earlier = XAPIStatement.objects.get(user=user, statement_id=statement_id)
    if earlier.statement != statement:
        raise StatementConflict(
            _("A different statement with this id was recorded already.")
        )
    return False


def _replayed(user, lesson, block_id, top_level) -> ActivityResult | None:
    if not top_level:
        return None
    return ActivityResult.objects.filter(
        user=user, lesson=lesson, block_id=block_id
    ).first()


def _actor(user: User) -> dict:
    return {
        "objectType": "Agent",
        "name": user.get_full_name(),
        "account": {"homePage": "lms", "name": str(user.pk)},
    }


def _update_result(
    user, lesson, block, verb, scaled, success, scored
) -> ActivityResult:
    activity = locked_row(ActivityResult, user=user, lesson=lesson, block_id=block.id)
    best_before = activity.best_scaled
    if verb == "answered" or (verb in ATTEMPT_VERBS and activity.attempts == 0):
        activity.attempts += 1
    if scaled is not None and (
        activity.best_scaled is None or scaled > activity.best_scaled
    ):
        activity.best_scaled = scaled
    pass_mark = Decimal(block.value["pass_mark"]) / 100
    if verb == "failed" or success is False:
        passed = False
    elif scaled is not None:
        passed = scaled >= pass_mark
    else:
        # Without a score only content that never reports one may pass.
        passed = success is True and not scored
    newly_passed = passed and activity.passed_at is None
    if newly_passed:
        activity.passed_at = timezone.now()
    activity.save()
    if newly_passed and lesson_check_completion(user=user, lesson=lesson):
        return activity  # completing the lesson recomputed the course
    if activity.best_scaled != best_before:
        # The course's score (shown in reports) follows the best scores.
        from .completion import course_completion_recompute

        course_completion_recompute(user=user, course=course_of(lesson))
    return activity


def user_data_get(*, user: User, package, data_type: str, sub_content_id: str):
    row = H5PUserData.objects.filter(
        user=user, package=package, data_type=data_type, sub_content_id=sub_content_id
    ).first()
    return row.data if row else None


def user_data_set(
    *, user: User, package, data_type: str, sub_content_id: str, data: str
) -> None:
    """Save (or, for "0", reset) the player's resume state, capped in size.
    Names longer than the columns are refused (ValidationError): cut short,
    they would save under a name that user_data_get never asks for, and
    two names could share one row."""
    if max(len(data_type), len(sub_content_id)) > MAX_USER_DATA_NAME_CHARS:
        raise ValidationError(_("The saved state's name is too long."))
    lookup = {
        "user": user,
        "package": package,
        "data_type": data_type,
        "sub_content_id": sub_content_id,
    }
    if data == "0":
        H5PUserData.objects.filter(**lookup).delete()
        return
    if len(data) > MAX_USER_DATA_CHARS:
        raise ValidationError(_("The saved state is too large."))
    H5PUserData.objects.update_or_create(**lookup, defaults={"data": data})
