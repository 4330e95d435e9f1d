"""Who may read which reports, as named predicates (the convention:
people.permissions). Which schools a reader sees is
reports.selectors.report_schools."""

from people.permissions import is_programme_office, leads_a_school, leads_a_school_only


def can_read_all_reports(user) -> bool:
    """The office: the programme overview and every supported school."""
    return is_programme_office(user)


def can_read_school_reports(user) -> bool:
    """Principals: the reports of the school(s) they lead."""
    return leads_a_school(user)


def reads_own_school_only(user) -> bool:
    """The "My school" link: a principal, not the office."""
    return leads_a_school_only(user)
