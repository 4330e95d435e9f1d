"""Messages of Django and its add-ons whose Simplified Chinese is missing or
wrong upstream. Listing them here puts them in our catalogue (makemessages
reads this file); nothing imports it."""

from django.utils.translation import gettext_lazy, ngettext_lazy

UPSTREAM_GAPS = [
    # Django 5.2's catalogue translates an older form of this message.
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        8,
    ),
    # The label suffix: Chinese uses the full-width colon.
    gettext_lazy(":"),
]
