"""The offline outbox's texts, translated here and handed to outbox.js (the
project has no JavaScript catalogue)."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


def _plural(singular: str, plural: str) -> dict[str, str]:
    # %(count)s is filled in by outbox.js. Chinese has one plural form and
    # English two (one/other), which is all the site's languages need.
    return {
        "one": ngettext(singular, plural, 1),
        "other": ngettext(singular, plural, 2),
    }


@register.simple_tag
def outbox_texts() -> dict[str, str]:
    waiting = _plural(
        "%(count)s record waiting to be sent", "%(count)s records waiting to be sent"
    )
    sign_out = _plural(
        "%(count)s record has not been sent yet. If you sign out now, it stays on "
        "this phone and is sent when you sign in again here. Sign out anyway?",
        "%(count)s records have not been sent yet. If you sign out now, they stay on "
        "this phone and are sent when you sign in again here. Sign out anyway?",
    )
    return {
        "waitingOne": waiting["one"],
        "waitingOther": waiting["other"],
        "signOutOne": sign_out["one"],
        "signOutOther": sign_out["other"],
        "sentAt": _("All records sent at %(time)s"),
        "refused": _("A record was not accepted: %(error)s"),
        "savedOnPhone": _("Saved on this phone; it will be sent when you are online."),
        "doneOnPhone": _("done on this phone"),
    }
