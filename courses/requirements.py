"""Track requirements as plug-ins.

A track asks a person for several kinds of progress: its required courses, a
minimum of elective hours, job-shadowing days and, later, attendance hours
and ICT 2.0 micro-abilities. Each app that owns one of these registers a
RequirementKind in its AppConfig.ready()::

    from courses import requirements

    class PlacementDays(requirements.RequirementKind):
        code = "placement_days"
        order = 30
        unit = _("days")

        def progress(self, *, user, track):
            return requirements.Progress(done=..., needed=..., unit=self.unit)

        def missing(self, progress):
            return _("Job-shadowing days: %(done)d of %(total)d.") % ...

    requirements.register(PlacementDays())

Track completion asks every registered kind for its progress and stores one
TrackRequirementProgress row per kind; certificate eligibility names the
reasons the kinds give for rows that are not met. When something outside
courses changes a person's progress (a placement approved), its app calls
announce_progress(), which sends `progress_changed` once the transaction
commits; courses recomputes the person's tracks then.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.dispatch import Signal

# Sent after commit, with `user` and `programme_id` (None: all the user's
# tracks), when a provider's progress of that user changed.
progress_changed = Signal()


@dataclass(frozen=True)
class Progress:
    """How far a person is with one requirement of a track."""

    done: Decimal | int
    needed: Decimal | int
    unit: str = ""
    # Whether the person began working toward the track through this
    # requirement even with nothing counted yet (a lesson opened).
    active: bool = False

    @property
    def met(self) -> bool:
        return self.done >= self.needed

    @property
    def started(self) -> bool:
        return self.active or self.done > 0


class RequirementKind:
    """One kind of track requirement, provided by the app that owns its data.

    Subclasses set `code` (stored in the progress rows, never renamed),
    `order` (where its reason appears among the others) and `unit`, and
    implement progress() and missing(). `summary` optionally names the two
    TrackCompletion columns (done, needed) that cache this kind's row for the
    reports, which sort and show them without joining the rows."""

    code: str = ""
    order: int = 100
    unit: str = ""
    summary: tuple[str, str] | None = None

    def progress(self, *, user, track) -> Progress:
        raise NotImplementedError

    def is_met(self, progress: Progress) -> bool:
        return progress.met

    def missing(self, progress: Progress) -> str:
        """The translated sentence saying what is still missing."""
        raise NotImplementedError


_kinds: dict[str, RequirementKind] = {}


def register(kind: RequirementKind) -> RequirementKind:
    """Add a requirement kind. Two different classes may not share a code;
    registering a class again replaces its instance (ready() may run twice)."""
    if not kind.code:
        raise ImproperlyConfigured(f"{type(kind).__name__} has no code.")
    known = _kinds.get(kind.code)
    if known is not None and type(known) is not type(kind):
        raise ImproperlyConfigured(f"Requirement kind {kind.code!r} is registered.")
    _kinds[kind.code] = kind
    return kind


def unregister(code: str) -> None:
    _kinds.pop(code, None)


def kinds() -> list[RequirementKind]:
    """Every registered kind, in the order their reasons are shown."""
    return sorted(_kinds.values(), key=lambda k: (k.order, k.code))


def kind_for(code: str) -> RequirementKind | None:
    return _kinds.get(code)


def announce_progress(*, sender, user, programme_id: int | None = None) -> None:
    """Tell courses, once the current transaction commits, that the user's
    progress changed for tracks of the programme (None: every track)."""
    transaction.on_commit(
        lambda: progress_changed.send(
            sender=sender, user=user, programme_id=programme_id
        ),
        robust=True,
    )


def missing_reasons(rows) -> list[str]:
    """The reasons of every registered kind whose row is not met, in order;
    `rows` maps a kind's code to its (done, needed) row or Progress."""
    reasons = []
    for kind in kinds():
        row = rows.get(kind.code)
        if row is None:
            continue
        progress = Progress(done=row.done, needed=row.needed, unit=kind.unit)
        if not kind.is_met(progress):
            reasons.append(kind.missing(progress))
    return reasons


def progress_rows_of(*, track, users) -> dict[int, dict]:
    """The stored requirement rows of the users in the track, by user id and
    then by kind code, in one query."""
    from courses.models import TrackRequirementProgress

    rows: dict[int, dict] = {}
    for row in TrackRequirementProgress.objects.filter(track=track, user__in=users):
        rows.setdefault(row.user_id, {})[row.kind] = row
    return rows
