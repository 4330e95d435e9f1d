"""Deleting what other records still need."""

from django.contrib import messages
from django.db import router
from django.db.models import ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.utils.text import capfirst
from django.utils.translation import gettext as _


class RefuseProtectedDeleteMixin:
    """For a Wagtail admin delete view: an object that other records still
    point at through a PROTECT or RESTRICT foreign key (a certificate naming
    the track, a placement at the school, a user's own certificates) is not
    deleted, and the confirmation page says what holds it (400). Wagtail
    only refuses for references in its own index, which holds none of these,
    so the delete went on to Django's refusal: a server error. The check
    reads only, so a refused delete writes nothing, not even a log entry."""

    def form_valid(self, form):
        holders = protected_holders(self.object)
        if holders:
            messages.error(self.request, _held_message(self.object, holders))
            context = self.get_context_data(form=form)
            return self.render_to_response(context, status=400)
        return super().form_valid(form)


def protected_holders(obj) -> list:
    """The records whose PROTECT or RESTRICT foreign keys keep `obj`."""
    collector = Collector(using=router.db_for_write(type(obj)), origin=obj)
    try:
        collector.collect([obj])
    except ProtectedError as error:
        return list(error.protected_objects)
    except RestrictedError as error:
        return list(error.restricted_objects)
    return []


def _held_message(obj, holders) -> str:
    kinds = sorted({str(capfirst(h._meta.verbose_name_plural)) for h in holders})
    return _(
        "%(object)s cannot be deleted: %(count)d records still refer to it "
        "(%(kinds)s). Remove or change those first."
    ) % {"object": obj, "count": len(holders), "kinds": ", ".join(kinds)}
