"""Step 3: write a checked sheet, all rows or none; and the CSV files handed out."""

import csv
import io
import secrets
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.db import transaction

from core.tabular import safe_cell
from courses.models import Track
from courses.models.learning import Source
from courses.services import track_enrol
from people.models import Cohort, Role, School, User
from people.services import profile_set_role, user_create

from .plan import EXAMPLE_USERNAME, NEW, UPDATE, RowPlan, import_plan
from .reading import COLUMNS, ImportSheet

# Initial passwords are random (about 50 bits) and must be replaced at first
# sign-in, when Django also rehashes at full cost; hashing them with fewer
# PBKDF2 rounds keeps an import of hundreds of accounts within one request.
INITIAL_PASSWORD_ITERATIONS = 20_000
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o or 1/l/i look-alikes
PASSWORD_LENGTH = 10
TEMPLATE_COLUMNS = [
    "username", "name", "school_code", "role", "subject",
    "seed_teacher", "email", "cohort", "track",
]  # fmt: skip
UTF8_BOM = "\ufeff"  # lets Excel on Chinese Windows open UTF-8 CSV correctly


class ImportOutdated(Exception):
    """The sheet has errors, or would now do something else than previewed."""


@dataclass
class ImportOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # [username, name, school, initial password] for each new account
    credentials: list[list[str]] = field(default_factory=list)


@transaction.atomic
def import_apply(*, sheet: ImportSheet, fingerprint: str, by: User) -> ImportOutcome:
    """Create and update the accounts of a previewed sheet in one transaction.

    The sheet is checked again first. Raises ImportOutdated when it now has
    errors or its plan's fingerprint differs from the one previewed; any error
    while writing (ValidationError, IntegrityError) rolls everything back. New
    accounts get a random initial password they must change at first sign-in;
    cohorts and tracks are added, never removed.
    """
    plan = import_plan(sheet)
    if plan.has_errors or plan.fingerprint != fingerprint:
        raise ImportOutdated
    outcome = ImportOutcome()
    new_users = []
    cohort_members = defaultdict(list)
    track_users = defaultdict(list)
    for row in plan.rows:
        if row.status == NEW:
            user, password = _create_account(row, by)
            new_users.append(user)
            school = str(row.school or "")
            outcome.credentials.append([user.username, user.name, school, password])
        elif row.status == UPDATE:
            user = _update_account(row)
        else:
            outcome.unchanged += 1
            continue
        for cohort in row.new_cohorts:
            cohort_members[cohort].append(user)
        for track in row.new_tracks:
            track_users[track].append(user)
    User.objects.bulk_update(new_users, ["password"], batch_size=500)
    for cohort, users in cohort_members.items():
        cohort.members.add(*users)
    for track, users in track_users.items():
        track_enrol(track=track, users=users, source=Source.IMPORT, enrolled_by=by)
    outcome.created = len(new_users)
    outcome.updated = plan.counts[UPDATE]
    return outcome


def _create_account(row: RowPlan, by: User) -> tuple[User, str]:
    user = user_create(
        username=row.username,
        name=row.name,
        role=row.role or Role.TEACHER,
        email=row.email,
        school=row.school,
        subject=row.subject,
        is_seed_teacher=bool(row.is_seed_teacher),
        created_by=by,
    )
    password = "".join(
        secrets.choice(PASSWORD_ALPHABET) for _i in range(PASSWORD_LENGTH)
    )
    user.password = _initial_password_hash(password)  # saved in bulk
    return user, password


def _initial_password_hash(password: str) -> str:
    hasher = get_hasher()
    if isinstance(hasher, PBKDF2PasswordHasher):
        salt = hasher.salt()
        return hasher.encode(password, salt, iterations=INITIAL_PASSWORD_ITERATIONS)
    return make_password(password)


def _update_account(row: RowPlan) -> User:
    user, profile = row.account, row.account.profile
    changed = {change.field for change in row.changes}
    user.name = row.name
    user.email = row.email or user.email
    if changed & {"name", "email"}:
        user.full_clean()
        user.save(update_fields=["name", "email"])
    profile.school = row.school
    profile.subject = row.subject or profile.subject
    if row.is_seed_teacher is not None:
        profile.is_seed_teacher = row.is_seed_teacher
    if changed & {"school", "subject", "seed"}:
        profile.full_clean()
        profile.save(update_fields=["school", "subject", "is_seed_teacher"])
    if "role" in changed:
        profile_set_role(profile=profile, role=row.role)
    return user


def credentials_csv(credentials: list[list[str]]) -> bytes:
    """The new accounts' usernames and initial passwords, for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["用户名", "姓名", "学校", "初始密码"])
    # The school's name comes from the admin, not from the checked sheet: a
    # name starting with "=" would run as a formula in Excel.
    writer.writerows([safe_cell(cell) for cell in row] for row in credentials)
    return (UTF8_BOM + buffer.getvalue()).encode("utf-8")


def template_csv() -> bytes:
    """An empty sheet with the Chinese headings and one example row, using a
    real school, cohort and track code where there are any."""
    school = School.objects.filter(kind__in=School.SUPPORTED_KINDS).first()
    cohort = Cohort.objects.first()
    # A track for everyone, so the example teacher fits its audience.
    track = (
        Track.objects.filter(audience__in=["all", "seed"]).order_by("-audience").first()
        or Track.objects.order_by("code").first()
    )
    example = {
        "username": EXAMPLE_USERNAME,
        "name": "张三",
        "school_code": school.code if school else "",
        "role": "教师",
        "subject": "语文",
        "seed_teacher": "是" if track and track.audience == "seed" else "否",
        "email": "",
        "cohort": cohort.code if cohort else "",
        "track": track.code if track else "",
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([COLUMNS[key][0] for key in TEMPLATE_COLUMNS])
    writer.writerow([example[key] for key in TEMPLATE_COLUMNS])
    return (UTF8_BOM + buffer.getvalue()).encode("utf-8")
