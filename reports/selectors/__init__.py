"""Reads for reports: scoping, the principal's matrix, the office overview
and transcripts. Each runs a fixed number of queries whatever the number of
rows; they read the stored completion rows and never recompute them."""

from .common import (
    expected_share,
    report_schools,
    today,
    tracks_with_learners,
)
from .matrix import MatrixFilters, school_matrix, track_columns
from .office import behind_learners, office_overview
from .transcript import transcript_of, visible_person

__all__ = [
    "MatrixFilters",
    "behind_learners",
    "expected_share",
    "office_overview",
    "report_schools",
    "school_matrix",
    "today",
    "track_columns",
    "tracks_with_learners",
    "transcript_of",
    "visible_person",
]
