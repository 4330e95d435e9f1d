"""The security audit log. `record` is the one way to write it; admins read it
in the Django admin (people.admin.AuditEventAdmin).

Call it wherever something security-relevant happens, for example an export:

    from people import audit

    audit.record(
        action="export",
        actor=request.user,
        request=request,
        target="完成情况 · 洪溪初级中学",
        details={"report": "school_completion", "format": "xlsx", "rows": 120},
    )

Sign-ins, sign-outs, failed sign-ins, password and two-factor changes and role
changes are recorded by the receivers in people.audit_receivers.
"""

import contextvars

from core.http import client_ip

from .models import AuditEvent
from .registries import audit_actions

Action = AuditEvent.Action

# The request being served, set by people.middleware.AuditContextMiddleware, so
# that model signals (a role changed in any form) know who did it and from where.
_current_request: contextvars.ContextVar = contextvars.ContextVar(
    "audit_request", default=None
)

MAX_TARGET = AuditEvent._meta.get_field("target").max_length
MAX_NAME = AuditEvent._meta.get_field("actor_name").max_length


def record(
    *,
    action: str,
    actor=None,
    target: str = "",
    details: dict | None = None,
    request=None,
) -> AuditEvent:
    """Write one audit event and return it.

    action: a registered action (people.registries.audit_actions): one of
        AuditEvent.Action ("login", ...) or an app's ("export", ...).
    actor: who did it; by default the signed-in user of `request`, or of the
        request being served.
    target: a short description of what it was done to (cut to 255 characters).
    details: JSON-serialisable facts; never passwords, codes or secrets.
    request: where the IP address comes from; by default the request being served.

    Raises ValueError for an unknown action. Inside a transaction that rolls
    back, the event rolls back too: what did not happen is not recorded.
    """
    if action not in audit_actions.values():
        raise ValueError(f"Unknown audit action: {action!r}")
    request = request if request is not None else _current_request.get()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_name=actor.get_username()[:MAX_NAME] if actor is not None else "",
        target=str(target)[:MAX_TARGET],
        ip=client_ip(request) if request is not None else None,
        details=details or {},
    )


def bind_request(request) -> contextvars.Token:
    return _current_request.set(request)


def unbind_request(token: contextvars.Token) -> None:
    _current_request.reset(token)
