"""Writes for placements: planning, daily logs, and the workflow

    planned -> in progress -> submitted -> confirmed -> approved
                   ^              |            |
                   +-- returned <-+------------+

The participant logs days and submits; the mentor confirms days and the whole
placement with an evaluation (or returns it); the programme office approves
(or returns). Approval fixes the confirmed days, writes the credit hours to
the ledger (through courses' hours service) and announces the new progress;
courses recomputes the participant's tracks of that programme after commit.
"""

from .common import EDITABLE, EVALUATION_MIN_CHARS, PARTICIPANT_ROLES, REPORT_MIN_CHARS
from .mentor import log_confirm, placement_confirm, placement_return
from .office import placement_approve, placements_export_record
from .participant import log_delete, log_save, placement_submit
from .planning import (
    placement_delete,
    placement_reschedule,
    placements_plan,
    round_create,
)

__all__ = [
    "EDITABLE",
    "EVALUATION_MIN_CHARS",
    "PARTICIPANT_ROLES",
    "REPORT_MIN_CHARS",
    "log_confirm",
    "log_delete",
    "log_save",
    "placement_approve",
    "placement_confirm",
    "placement_delete",
    "placement_reschedule",
    "placement_return",
    "placement_submit",
    "placements_export_record",
    "placements_plan",
    "round_create",
]
