"""Deleting what other records still need."""

from django.contrib import messages
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.text import capfirst
from django.utils.translation import gettext as _


class RefuseProtectedDeleteMixin:
    """For a Wagtail admin delete view: an object that other records still
    point at through a PROTECT or RESTRICT foreign key (a certificate naming
    the track, a placement at the school, a user's own certificates) is not
    deleted, and the confirmation page says what holds it (400). Wagtail
    only refuses for references in its own index, which holds none of these,
    so the delete went on to the database's refusal: a server error."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except (ProtectedError, RestrictedError) as error:
            holders = getattr(error, "protected_objects", None) or getattr(
                error, "restricted_objects", ()
            )
            messages.error(self.request, _held_message(self.object, holders))
            context = self.get_context_data(form=form)
            return self.render_to_response(context, status=400)


def _held_message(obj, holders) -> str:
    kinds = sorted({str(capfirst(h._meta.verbose_name_plural)) for h in holders})
    return _(
        "%(object)s cannot be deleted: %(count)d records still refer to it "
        "(%(kinds)s). Remove or change those first."
    ) % {"object": obj, "count": len(holders), "kinds": ", ".join(kinds)}
