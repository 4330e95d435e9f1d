from .offline import user_key


def offline(request):
    """The opaque key base.html gives the service worker (core.offline)."""
    return {"offline_user_key": user_key(getattr(request, "user", None))}
