"""Who may do what with courses, tracks, reflections and H5P, as named
predicates (the convention: people.permissions)."""

from people.permissions import is_programme_office

INSTALL_H5P_LIBRARY = "courses.install_h5plibrary"


def can_view_tracks(user) -> bool:
    """The office's list of tracks and their enrolments."""
    return is_programme_office(user)


def can_enrol_groups(user) -> bool:
    """May enrol a cohort, school or role in a track."""
    return user.has_perm("courses.add_trackenrolment")


def can_review_reflections(user) -> bool:
    """Trainers review reflections (in the courses they may edit)."""
    return user.has_perm("courses.change_reflection")


def can_install_h5p_libraries(user) -> bool:
    """May install or upgrade the H5P libraries all packages share. None stands
    for the system (the demo seed, management commands)."""
    return user is None or user.has_perm(INSTALL_H5P_LIBRARY)


def can_edit_page(user, page) -> bool:
    """May change this course or lesson page in the Wagtail admin."""
    return user.is_authenticated and page.permissions_for_user(user).can_edit()
