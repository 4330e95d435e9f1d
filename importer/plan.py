"""Step 2: what importing each row would do, checked against the database."""

import hashlib
import json
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.tabular import formula_start
from courses.models import Track, TrackEnrolment
from people.models import Cohort, Profile, Role, School, User

from .reading import UNLABELLED, ImportSheet

NEW, UPDATE, UNCHANGED, ERROR = "new", "update", "unchanged", "error"
STATUS_LABELS = {
    NEW: gettext_lazy("new"),
    UPDATE: gettext_lazy("will update"),
    UNCHANGED: gettext_lazy("unchanged"),
    ERROR: gettext_lazy("error"),
}
EXAMPLE_USERNAME = "shili-zhangsan"  # the example row of the downloadable template
IMPORTABLE_ROLES = (Role.TEACHER, Role.PRINCIPAL)
ROLES = {"教师": Role.TEACHER, "老师": Role.TEACHER, "teacher": Role.TEACHER}
ROLES |= {"校长": Role.PRINCIPAL, "principal": Role.PRINCIPAL}
_S = Profile.Subject
SUBJECTS = {code: code for code in _S.values} | {
    "语文": _S.CHINESE, "数学": _S.MATHS, "math": _S.MATHS, "mathematics": _S.MATHS,
    "英语": _S.ENGLISH, "科学": _S.SCIENCE, "道德与法治": _S.MORALITY,
    "道法": _S.MORALITY, "品德": _S.MORALITY, "音乐": _S.ARTS, "美术": _S.ARTS,
    "艺术": _S.ARTS, "music": _S.ARTS, "art": _S.ARTS, "体育": _S.PE,
    "体育与健康": _S.PE, "physical education": _S.PE, "信息技术": _S.IT,
    "信息科技": _S.IT, "information technology": _S.IT, "彝语": _S.YI,
    "彝文": _S.YI, "彝语文": _S.YI, "其他": _S.OTHER, "其它": _S.OTHER,
}  # fmt: skip
YES_NO = dict.fromkeys(["是", "yes", "y", "1", "true"], True)
YES_NO |= dict.fromkeys(["否", "no", "n", "0", "false"], False)
LIST_SEPARATORS = ";；,，、"


def fold(value: str) -> str:
    """Compare codes, usernames and choices ignoring case and full-width forms."""
    return unicodedata.normalize("NFKC", value).casefold()


@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass
class RowPlan:
    """One row: the cells as written, what they resolve to and what would happen."""

    row: int
    cells: dict[str, str]
    errors: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    username: str = ""
    name: str = ""
    email: str = ""
    role: str = ""  # "" : not given; new accounts become teachers
    school: School | None = None
    subject: str = ""
    is_seed_teacher: bool | None = None  # None: not given
    cohorts: list[Cohort] = field(default_factory=list)
    tracks: list[Track] = field(default_factory=list)
    account: User | None = None
    new_cohorts: list[Cohort] = field(default_factory=list)
    new_tracks: list[Track] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.errors:
            return ERROR
        if self.account is None:
            return NEW
        return UPDATE if self.changes else UNCHANGED

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def school_label(self) -> str:
        if self.school is not None:
            return self.school.name
        cells = self.cells
        return cells.get("school_code") or cells.get("school") or "—"

    @property
    def details(self) -> list[str]:
        """The optional cells as written, for the preview."""
        details = [self.cells[k] for k in ("role", "subject") if self.cells.get(k)]
        if self.is_seed_teacher:
            details.append(_("seed teacher"))
        keys = ("email", "cohort", "track")
        return details + [self.cells[k] for k in keys if self.cells.get(k)]


@dataclass
class ImportPlan:
    rows: list[RowPlan]

    @property
    def counts(self) -> dict[str, int]:
        counts = Counter(row.status for row in self.rows)
        return {status: counts.get(status, 0) for status in STATUS_LABELS}

    @property
    def has_errors(self) -> bool:
        return any(row.errors for row in self.rows)

    @property
    def fingerprint(self) -> str:
        """Changes whenever importing would do something else than previewed."""
        summary = [
            [
                row.row,
                row.status,
                row.account.pk if row.account else None,
                [change.field for change in row.changes],
                sorted(c.pk for c in row.new_cohorts),
                sorted(t.pk for t in row.new_tracks),
            ]
            for row in self.rows
        ]
        return hashlib.sha256(json.dumps(summary).encode()).hexdigest()[:32]


def import_plan(sheet: ImportSheet) -> ImportPlan:
    """Check every row and say what importing it would do.

    A row is an error when a required cell is missing, a school, cohort, track,
    role or subject is unknown, the email is invalid or used by another
    account, the username is repeated in the file or belongs to an account
    that is not a teacher or principal, a cell looks like a formula, or a cell
    shows characters lost to the file's encoding (a name with "?", any cell
    with "??" or U+FFFD: Excel's plain CSV turns Yi names into "????"). Other
    rows create an account, update an existing one, or leave it unchanged.
    Runs a fixed number of queries, however many rows there are.
    """
    lookups = _Lookups(sheet)
    usernames = Counter(fold(cells.get("username", "")) for _n, cells in sheet.rows)
    emails = Counter(fold(cells.get("email", "")) for _n, cells in sheet.rows)
    rows = []
    for number, cells in sheet.rows:
        row = RowPlan(row=number, cells=cells)
        _check_cells(row, sheet.headings)
        _resolve_account(row, lookups, usernames)
        _resolve_profile(row, lookups)
        _resolve_email(row, lookups, emails)
        _resolve_groups(row, lookups)
        if not row.errors and row.account is not None:
            _compare(row, lookups)
        rows.append(row)
    return ImportPlan(rows)


class _Lookups:
    """Everything the rows refer to, fetched once for the whole sheet."""

    def __init__(self, sheet: ImportSheet):
        cells = [cells for _n, cells in sheet.rows]
        schools = list(School.objects.all())
        self.schools_by_code = {fold(s.code): s for s in schools}
        self.schools_by_name = {s.name: s for s in schools}
        cohorts = list(Cohort.objects.all())
        self.cohorts_by_code = {fold(c.code): c for c in cohorts}
        self.cohorts_by_name = defaultdict(list)
        for cohort in cohorts:
            self.cohorts_by_name[cohort.name].append(cohort)
        self.tracks = {fold(t.code): t for t in Track.objects.all()}
        usernames = {fold(c["username"]) for c in cells if c.get("username")}
        self.accounts = {
            fold(user.username): user
            for user in User.objects.annotate(folded=Lower("username"))
            .filter(folded__in=usernames)
            .select_related("profile__school")
        }
        emails = {fold(c["email"]) for c in cells if c.get("email")}
        self.email_owners = defaultdict(set)
        for email, pk in (
            User.objects.annotate(folded=Lower("email"))
            .filter(folded__in=emails)
            .values_list("folded", "pk")
        ):
            self.email_owners[email].add(pk)
        ids = [user.pk for user in self.accounts.values()]
        self.cohort_ids = defaultdict(set)
        for user_id, cohort_id in Cohort.members.through.objects.filter(
            user_id__in=ids
        ).values_list("user_id", "cohort_id"):
            self.cohort_ids[user_id].add(cohort_id)
        self.track_ids = defaultdict(set)
        for user_id, track_id in TrackEnrolment.objects.filter(
            user_id__in=ids
        ).values_list("user_id", "track_id"):
            self.track_ids[user_id].add(track_id)


def _check_cells(row: RowPlan, headings: dict[str, str]) -> None:
    for key, value in row.cells.items():
        if key == UNLABELLED:
            row.errors.append(_("There is a value in a column without a heading."))
        # Spreadsheets would run such a cell when the data is exported again
        # (CSV injection), so it is never stored.
        elif char := formula_start(value):
            message = _(
                "%(column)s starts with “%(char)s”, which spreadsheets would run "
                "as a formula; remove that character."
            )
            column = headings.get(key, key)
            row.errors.append(message % {"column": column, "char": char})
    for key in ("username", "name"):
        if not row.cells.get(key):
            row.errors.append(_("%(column)s is required.") % {"column": headings[key]})
    lost = [key for key, value in row.cells.items() if _lost_characters(key, value)]
    if lost:
        columns = "、".join(headings.get(key, key) for key in lost)
        row.errors.append(
            _(
                "%(columns)s: characters were lost before the upload (shown as ? "
                "or �): the file was saved in an encoding that cannot hold them, "
                "such as Excel's plain “CSV” for Yi names. Type them again and "
                "save as “CSV UTF-8 (comma delimited)” or as an Excel workbook "
                "(.xlsx)."
            )
            % {"columns": columns}
        )


# What is left of characters an encoding could not hold: Excel's "CSV" on
# Chinese Windows (GBK) writes "?" for each Yi syllable, and decoders write
# U+FFFD for bytes they cannot read. Names never hold question marks; in other
# cells a single one may be meant, two or more in a row are not.
_QUESTION_MARKS = "?？"


def _lost_characters(key: str, value: str) -> bool:
    if "\ufffd" in value:
        return True
    if key == "name":
        return any(mark in value for mark in _QUESTION_MARKS)
    return any(
        value[i] in _QUESTION_MARKS and value[i + 1] in _QUESTION_MARKS
        for i in range(len(value) - 1)
    )


def _resolve_account(row: RowPlan, lookups: _Lookups, usernames: Counter) -> None:
    row.username = fold(row.cells.get("username", ""))
    row.name = row.cells.get("name", "")
    if not row.username:
        return
    try:
        User.username_validator(row.username)
    except ValidationError:
        row.errors.append(
            _("The username may contain only letters, digits and @ . + - _.")
        )
    if len(row.username) > 150 or len(row.name) > 100:
        row.errors.append(_("The username or the name is too long."))
    if usernames[row.username] > 1:
        row.errors.append(_("This username appears more than once in the file."))
    if row.username == EXAMPLE_USERNAME:
        row.errors.append(_("This is the template's example row; delete it."))
    row.account = lookups.accounts.get(row.username)
    profile = getattr(row.account, "profile", None) if row.account else None
    if row.account is not None and (
        row.account.is_superuser
        or profile is None
        or profile.role not in IMPORTABLE_ROLES
    ):
        message = _(
            "The account %(username)s exists and is not a teacher or principal; "
            "the import does not change it."
        )
        row.errors.append(message % {"username": row.account.username})


def _resolve_profile(row: RowPlan, lookups: _Lookups) -> None:
    cells = row.cells
    role = cells.get("role", "")
    row.role = ROLES.get(fold(role), "") if role else ""
    if role and not row.role:
        row.errors.append(
            _("Unknown role “%(value)s”: use 教师 (teacher) or 校长 (principal).")
            % {"value": role}
        )
    subject = cells.get("subject", "")
    row.subject = SUBJECTS.get(fold(subject), "") if subject else ""
    if subject and not row.subject:
        row.errors.append(_("Unknown subject “%(value)s”.") % {"value": subject})
    seed = cells.get("seed_teacher", "")
    row.is_seed_teacher = YES_NO.get(fold(seed)) if seed else None
    if seed and row.is_seed_teacher is None:
        row.errors.append(
            _("Seed teacher must be 是 or 否 (yes or no), not “%(value)s”.")
            % {"value": seed}
        )
    row.school = _school_of(row, lookups)


def _school_of(row: RowPlan, lookups: _Lookups) -> School | None:
    code, name = row.cells.get("school_code", ""), row.cells.get("school", "")
    if not code and not name:
        row.errors.append(_("The school is required."))
        return None
    # Offices often type the school's full name into the code column.
    by_code = lookups.schools_by_code.get(fold(code)) or lookups.schools_by_name.get(
        code
    )
    by_name = lookups.schools_by_name.get(name)
    if code and by_code is None:
        row.errors.append(_("Unknown school code “%(value)s”.") % {"value": code})
    if name and by_name is None:
        row.errors.append(_("Unknown school “%(value)s”.") % {"value": name})
    if code and name and by_code and by_name and by_code != by_name:
        row.errors.append(_("The school code and the school name do not match."))
    return by_code or by_name


def _resolve_email(row: RowPlan, lookups: _Lookups, emails: Counter) -> None:
    row.email = row.cells.get("email", "")
    if not row.email:
        return
    try:
        validate_email(row.email)
    except ValidationError:
        row.errors.append(
            _("“%(value)s” is not a valid email address.") % {"value": row.email}
        )
        return
    folded = fold(row.email)
    owners = lookups.email_owners.get(folded, set()) - {getattr(row.account, "pk", 0)}
    if emails[folded] > 1:
        row.errors.append(_("This email address appears more than once in the file."))
    elif owners:
        row.errors.append(_("This email address belongs to another account."))


def _resolve_groups(row: RowPlan, lookups: _Lookups) -> None:
    for value in _split(row.cells.get("cohort", "")):
        by_code = lookups.cohorts_by_code.get(fold(value))
        matches = [by_code] if by_code else lookups.cohorts_by_name.get(value, [])
        if len(matches) == 1 and matches[0] not in row.cohorts:
            row.cohorts.append(matches[0])
        elif len(matches) > 1:
            row.errors.append(
                _("Several cohorts are named “%(value)s”; use the cohort code.")
                % {"value": value}
            )
        elif not matches:
            row.errors.append(_("Unknown cohort “%(value)s”.") % {"value": value})
    for value in _split(row.cells.get("track", "")):
        track = lookups.tracks.get(fold(value))
        if track is None:
            row.errors.append(_("Unknown track code “%(value)s”.") % {"value": value})
        elif track not in row.tracks:
            row.tracks.append(track)
    row.new_cohorts, row.new_tracks = row.cohorts, row.tracks


def _split(value: str) -> list[str]:
    for separator in LIST_SEPARATORS[1:]:
        value = value.replace(separator, LIST_SEPARATORS[0])
    parts = (part.strip() for part in value.split(LIST_SEPARATORS[0]))
    return list(dict.fromkeys(part for part in parts if part))


def _compare(row: RowPlan, lookups: _Lookups) -> None:
    """What an update would change; blank optional cells keep stored values."""
    user, profile = row.account, row.account.profile
    compared = [
        ("name", _("full name"), user.name, row.name, str),
        ("school", _("school"), profile.school, row.school, str),
    ]
    if row.role:
        compared.append(("role", _("role"), profile.role, row.role, _role_label))
    if row.email:
        compared.append(("email", _("email"), user.email, row.email, str))
    if row.subject:
        compared.append(
            ("subject", _("subject"), profile.subject, row.subject, _subject_label)
        )
    if row.is_seed_teacher is not None:
        seed = (profile.is_seed_teacher, row.is_seed_teacher)
        compared.append(("seed", _("seed teacher"), *seed, _yes_no))
    row.changes = [
        Change(key, label, show(old) if old not in ("", None) else "—", show(new))
        for key, label, old, new, show in compared
        if old != new
    ]
    row.new_cohorts = [
        c for c in row.cohorts if c.pk not in lookups.cohort_ids[user.pk]
    ]
    row.new_tracks = [t for t in row.tracks if t.pk not in lookups.track_ids[user.pk]]
    for cohort in row.new_cohorts:
        row.changes.append(Change("cohort", _("cohort"), "", cohort.name))
    for track in row.new_tracks:
        row.changes.append(Change("track", _("track"), "", track.name))


def _role_label(role: str) -> str:
    return str(Role(role).label)


def _subject_label(subject: str) -> str:
    return str(_S(subject).label)


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")
