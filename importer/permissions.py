"""Who may import teachers (the convention: people.permissions)."""

from people.permissions import can_manage_accounts


def can_import_teachers(user) -> bool:
    """The office: accounts are created and changed by the import."""
    return can_manage_accounts(user)
