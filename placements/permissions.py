"""Who may do what with job-shadowing placements, as named predicates (the
convention: people.permissions). Views and services both ask these."""

from people.permissions import leads_a_school

APPROVE = "placements.approve_placement"


def can_view_all_placements(user) -> bool:
    """The office's list of every placement and round."""
    return user.has_perm("placements.view_placement")


def can_plan_rounds(user) -> bool:
    return user.has_perm("placements.add_placementround")


def can_plan_placements(user) -> bool:
    """May add people to a round, or move their dates."""
    return user.has_perm("placements.add_placement")


def can_delete_placements(user) -> bool:
    return user.has_perm("placements.delete_placement")


def can_approve_placements(user) -> bool:
    """The office approves confirmed placements and may return them."""
    return user.has_perm(APPROVE)


def is_mentor(user) -> bool:
    """Host-school mentors: their mentees' placements."""
    return user.has_perm("placements.mentor_placement")


def can_mentor(user, placement) -> bool:
    """Confirms this placement's days and evaluates it: its own mentor."""
    return placement.mentor_id == user.pk and is_mentor(user)


def can_log(user, placement) -> bool:
    """Writes this placement's logs, attachments and report: its participant."""
    return placement.participant_id == user.pk


def can_view_school_placements(user) -> bool:
    """A principal's list of their staff's placements."""
    return leads_a_school(user)


def can_return(user, placement) -> bool:
    """Sends a submitted placement back: its mentor or the office; a
    confirmed one: the office."""
    if can_approve_placements(user):
        return True
    return placement.status == placement.Status.SUBMITTED and can_mentor(
        user, placement
    )
