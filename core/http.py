"""HTTP helpers every app shares."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The address the request came from, or None when it is not one.

    Behind settings.NUM_PROXIES trusted reverse proxies it is the
    X-Forwarded-For entry the outermost of them wrote; entries before it were
    written by the client and prove nothing. With fewer entries than proxies
    (a request that bypassed them) it is REMOTE_ADDR, as with no proxies.
    allauth reads the same address (people.adapters), so its rate limits, the
    verification page's and the audit log agree on who asked."""
    proxies = getattr(settings, "NUM_PROXIES", 0)
    address = request.META.get("REMOTE_ADDR", "")
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None
