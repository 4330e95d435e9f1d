"""Wagtail pages served in the fewest queries their content needs.

Wagtail's own serve view finds the request's Site (one query), walks the page
tree down from the site's root (a query per level, and one more for the
page's specific form) and checks view restrictions (two queries: the
ancestors, then their restrictions). Here, for the same answer:

- the Site of each host and port is kept in the cache (`site_for`), dropped
  when any Site or a site's root page is saved or deleted;
- a page is found by its URL path: the cache remembers which page (its id
  and type) answered a path, and one query fetches that page in its specific
  form. The row is then checked to be still at that path, so a remembered
  answer gone stale costs the full lookup, never a wrong page; a path no page
  answers is not remembered;
- whether the site has any view restriction at all is kept in the cache
  (`ServedPage`); while it has none, no page asks for its own.

The page found is handed to Wagtail's serve view as its route, so every
serve hook, view restriction and 404 is Wagtail's; a path no page has exactly
(a routable page's sub-path) goes Wagtail's usual way.
"""

from urllib.parse import quote

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.http import Http404
from django.http.request import split_domain_port
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.http import RFC3986_SUBDELIMS
from wagtail.coreutils import WAGTAIL_APPEND_SLASH
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.models.sites import get_site_for_hostname
from wagtail.signals import page_slug_changed, post_page_move

# Remembered answers are dropped on change, and in any case after this long:
# a change made while the cache was unreachable is not missed for longer.
CACHE_SECONDS = 300
SITES_KEY = "cms:sites"
RESTRICTIONS_KEY = "cms:any-view-restriction"
PATH_KEY = "cms:page-at:{}"
# Hosts are those ALLOWED_HOSTS lets through; a bound all the same.
MAX_SITES_KEPT = 50


def site_for(request) -> Site | None:
    """The request's Site, as Site.find_for_request finds it, and set on the
    request where Wagtail looks for it."""
    if hasattr(request, "_wagtail_site"):
        return request._wagtail_site
    hostname = split_domain_port(request._get_raw_host())[0]
    port = request.get_port()
    sites = cache.get(SITES_KEY) or {}
    key = f"{hostname}:{port}"
    if key in sites:
        site = sites[key]
    else:
        try:
            site = get_site_for_hostname(hostname, port)
        except Site.DoesNotExist:
            site = None
        if len(sites) < MAX_SITES_KEPT:
            cache.set(SITES_KEY, {**sites, key: site}, CACHE_SECONDS)
    request._wagtail_site = site
    return site


def _forget_sites(sender, instance=None, **kwargs):
    root_level = isinstance(instance, Page) and (instance.depth or 99) <= 2
    if sender is Site or root_level:
        cache.delete(SITES_KEY)


def page_at(site: Site, path: str) -> Page | None:
    """The specific page whose URL path below the site's root is `path`
    ("courses/c1/"), or None when the cache does not know it or no page has
    exactly that path."""
    url_path = site.root_page.url_path + path.lstrip("/")
    if not url_path.endswith("/"):
        return None
    key = PATH_KEY.format(url_path)
    known = cache.get(key)
    if known is None:
        found = (
            Page.objects.filter(url_path=url_path)
            .values_list("pk", "content_type_id")
            .first()
        )
        if found is None:
            return None
        known = found
        cache.set(key, known, CACHE_SECONDS)
    page_id, content_type_id = known
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    page = None
    if model is not None:
        related = getattr(model, "serve_related", ())
        page = model.objects.select_related(*related).filter(pk=page_id).first()
    if page is None or page.url_path != url_path:
        cache.delete(key)
        return None
    return page


def serve(request, path):
    """Wagtail's serve view, with the site and the page found as above."""
    from wagtail import views as wagtail_views

    site = site_for(request)
    if site is not None and not hasattr(request, "_wagtail_route_for_request"):
        page = page_at(site, path)
        if page is not None:
            try:
                # The page's own routing for its own path: live or 404.
                request._wagtail_route_for_request = page.route(request, [])
            except Http404:
                request._wagtail_route_for_request = None
    return wagtail_views.serve(request, path)


def any_view_restriction() -> bool:
    found = cache.get(RESTRICTIONS_KEY)
    if found is None:
        found = PageViewRestriction.objects.exists()
        cache.set(RESTRICTIONS_KEY, found, CACHE_SECONDS)
    return found


def _forget_restrictions(sender, **kwargs):
    cache.delete(RESTRICTIONS_KEY)


class ServedPage:
    """Mixin for page models served through this module.

    - `serve_related`: foreign keys `page_at` fetches with the page, for
      what its template shows of them (a course's category);
    - the view restrictions of a page are looked up (Wagtail's two queries)
      only when the site has any;
    - the page's URL is made without reverse(): a list of fifty lessons
      would otherwise resolve the page route fifty times. The same answer as
      Wagtail's get_url_parts for one site without Wagtail's i18n (tested);
      anything else goes Wagtail's way."""

    serve_related: tuple[str, ...] = ()

    def get_view_restrictions(self):
        if not any_view_restriction():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    def get_url_parts(self, request=None):
        if settings.WAGTAIL_I18N_ENABLED or not WAGTAIL_APPEND_SLASH:
            return super().get_url_parts(request)
        possible_sites = self._get_relevant_site_root_paths(request)
        if not possible_sites:
            return None
        if len({values[0] for values in possible_sites}) > 1:
            return super().get_url_parts(request)
        site_id, root_path, root_url, _language = possible_sites[0]
        prefix = _serve_prefix()
        if prefix is None:
            return (site_id, None, None)
        path = quote(self.url_path[len(root_path) :], safe=RFC3986_SUBDELIMS + "/~:@")
        return (site_id, root_url, prefix + path)


def _serve_prefix() -> str | None:
    """Where Wagtail's page route begins ("/" unless the site is served
    under a script prefix), reversed once per prefix."""
    script_prefix = get_script_prefix()
    if script_prefix not in _SERVE_PREFIXES:
        try:
            _SERVE_PREFIXES[script_prefix] = reverse("wagtail_serve", args=("",))
        except NoReverseMatch:
            _SERVE_PREFIXES[script_prefix] = None
    return _SERVE_PREFIXES[script_prefix]


_SERVE_PREFIXES: dict[str, str | None] = {}


def connect_signals() -> None:
    """Called from CmsConfig.ready()."""
    for signal in (post_save, post_delete):
        signal.connect(_forget_sites, dispatch_uid=f"cms.serving.sites.{signal}")
        signal.connect(
            _forget_restrictions,
            sender=PageViewRestriction,
            dispatch_uid=f"cms.serving.restrictions.{signal}",
        )
    for signal in (post_page_move, page_slug_changed):
        signal.connect(_forget_sites, dispatch_uid=f"cms.serving.sites.{id(signal)}")
