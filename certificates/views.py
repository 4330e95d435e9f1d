"""Certificates for their holders, principals and the programme office, and the
public verification page reached from a certificate's QR code."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core import jobs
from core.ratelimit import rate_limited
from core.serving import content_response, field_file_response
from people.permissions import ensure, leads_a_school, require
from people.selectors import schools_visible_to

from . import permissions, selectors, services
from .bulk import NothingToIssue, batch_preview, batch_progress, batch_start
from .forms import (
    BulkForm,
    IssueForm,
    OfficeFilterForm,
    OverrideForm,
    RevokeForm,
    SchoolFilterForm,
    SerialLookupForm,
)
from .models import Certificate, CertificateTemplate, IssuanceBatch

PAGE_SIZE = 50
# Verification requests per client IP and minute; a person scanning QR codes
# makes a few, a script walking through serials many.
VERIFY_RATE_LIMIT = 30


def _filters(form) -> dict:
    """The valid filters of a GET form; invalid or missing ones are ignored."""
    form.is_valid()
    return {k: v for k, v in getattr(form, "cleaned_data", {}).items() if v}


def _serve(file, filename: str, content_type: str):
    return field_file_response(file, filename=filename, content_type=content_type)


# Holders and principals


@login_required
def my_certificates(request):
    user = request.user
    return render(
        request,
        "certificates/mine.html",
        {
            "certificates": list(selectors.certificates_of(user)),
            "leads_a_school": leads_a_school(user),
        },
    )


@login_required
def download(request, serial):
    """The PDF, for its holder, the office and the principals of the holder's
    school. Everyone else gets the same 404 as for a serial that does not
    exist, so nothing is learnt about other people's certificates."""
    certificate = selectors.downloadable_certificate(user=request.user, serial=serial)
    if certificate is None:
        raise Http404
    return _serve(certificate.pdf, f"{certificate.serial}.pdf", "application/pdf")


@login_required
def school_certificates(request):
    user = request.user
    ensure(permissions.can_view_school_certificates(user))
    form = SchoolFilterForm(request.GET or None, schools=schools_visible_to(user))
    filters = _filters(form)
    page = Paginator(
        selectors.school_certificates(user=user, **filters), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "certificates/school.html",
        {"form": form, "page": page},
    )


# Programme office


@login_required
@require(permissions.can_issue_certificates)
def office_list(request):
    form = OfficeFilterForm(request.GET or None)
    filters = _filters(form)
    if "q" in filters:
        filters["query"] = filters.pop("q")
    page = Paginator(selectors.office_certificates(**filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "certificates/office_list.html",
        {"form": form, "page": page, "batches": list(selectors.recent_batches())},
    )


def _posted(request):
    """The submitted data, even when empty (then every required field is
    missing); None for a fresh form."""
    return request.POST if request.method == "POST" else None


def _choices(post, form) -> str:
    """The choices a preview was made for; confirming needs the very same."""
    return "|".join(str(post.get(name, "")) for name in form.fields)


@login_required
@require(permissions.can_issue_certificates)
def office_issue(request):
    """Choose holder, track or course and template; see whether the holder is
    eligible (and if not, what is missing); then confirm, with a written
    justification when issuing without completion."""
    data = _posted(request)
    form = IssueForm(data)
    override = OverrideForm(data)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        subject = {"track": data["track"], "course": data["course"]}
        choices = _choices(request.POST, form)
        existing = selectors.valid_certificate_for(holder=data["holder"], **subject)
        confirmed = request.POST.get("confirm") == choices and existing is None
        if confirmed and override.is_valid():
            try:
                certificate = services.certificate_issue(
                    holder=data["holder"],
                    template=data["template"],
                    issued_by=request.user,
                    override_reason=override.cleaned_data["override_reason"],
                    **subject,
                )
            except ValidationError as error:
                override.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Certificate %(serial)s issued to %(name)s.")
                    % {"serial": certificate.serial, "name": certificate.holder_name},
                )
                return redirect(
                    f"{reverse('certificates:office')}?q={certificate.serial}"
                )
        preview = {
            "holder": data["holder"],
            "existing": existing,
            "eligibility": services.eligibility_for(user=data["holder"], **subject),
            "choices": choices,
        }
    return render(
        request,
        "certificates/office_issue.html",
        {
            "form": form,
            "override": override,
            "preview": preview,
            "holders": list(selectors.holder_choices()),
        },
        status=400 if form.errors or override.errors else 200,
    )


@login_required
@require(permissions.can_revoke_certificates)
def office_revoke(request, pk):
    certificate = get_object_or_404(Certificate, pk=pk)
    form = RevokeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(
                certificate=certificate,
                revoked_by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Certificate %(serial)s is revoked.")
                % {"serial": certificate.serial},
            )
            return redirect(f"{reverse('certificates:office')}?q={certificate.serial}")
    return render(
        request,
        "certificates/office_revoke.html",
        {"certificate": certificate, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require(permissions.can_issue_certificates)
def bulk_start(request):
    """Choose a track or course (and optionally a school or cohort) and a
    template; see who is eligible, who has a certificate already and who is
    not eligible and why; then confirm."""
    form = BulkForm(_posted(request))
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scope = {k: data[k] for k in ("track", "course", "school", "cohort")}
        choices = _choices(request.POST, form)
        if request.POST.get("confirm") == choices:
            try:
                batch = batch_start(
                    template=data["template"], created_by=request.user, **scope
                )
            except NothingToIssue:
                form.add_error(
                    None,
                    _(
                        "Everyone eligible in this selection has a certificate "
                        "already; nothing was issued."
                    ),
                )
            else:
                return redirect("certificates:bulk_detail", pk=batch.pk)
        rows = batch_preview(**scope)
        preview = {
            "eligible": [
                r for r in rows if r.eligibility.eligible and not r.certificate
            ],
            "already": [r for r in rows if r.certificate],
            "ineligible": [
                r for r in rows if not r.eligibility.eligible and not r.certificate
            ],
            "choices": choices,
        }
    return render(
        request,
        "certificates/bulk_start.html",
        {"form": form, "preview": preview},
        status=400 if form.errors else 200,
    )


def _batch_state(batch: IssuanceBatch) -> dict:
    state = batch_progress(batch)
    state["archive_url"] = (
        reverse("certificates:bulk_download", args=[batch.pk])
        if batch.archive
        else None
    )
    # Finished batches with nothing to zip, or with their zip, need no polling.
    state["archive_pending"] = not state["archive_url"] and bool(state["total"])
    # A batch the sweep gave up on is finished too: the page says why.
    state["finished"] = (
        state["done"] and not state["archive_pending"]
    ) or batch.status == IssuanceBatch.Status.FAILED
    return state


@login_required
@require(permissions.can_issue_certificates)
def bulk_detail(request, pk):
    batch = get_object_or_404(
        IssuanceBatch.objects.select_related("track", "course", "school", "cohort"),
        pk=pk,
    )
    return render(
        request,
        "certificates/bulk_detail.html",
        {"batch": batch, "progress": _batch_state(batch)},
    )


@login_required
@require(permissions.can_issue_certificates)
def bulk_progress(request, pk):
    batch = get_object_or_404(IssuanceBatch, pk=pk)
    return jobs.progress_response(_batch_state(batch))


@login_required
@require(permissions.can_issue_certificates)
def bulk_download(request, pk):
    batch = get_object_or_404(IssuanceBatch, pk=pk)
    if not batch.archive:
        raise Http404
    return _serve(
        batch.archive, f"certificates-batch-{batch.pk}.zip", "application/zip"
    )


# Public verification


def verify_rate(group, request) -> str:
    """django-ratelimit's rate for the verification pages, from settings at
    each request."""
    limit = getattr(settings, "CERTIFICATE_VERIFY_RATE_LIMIT", VERIFY_RATE_LIMIT)
    return f"{limit}/m"


# The verification page and the serial lookup share one count per client.
verify_rate_limited = rate_limited(
    group="certificates:verify",
    rate=verify_rate,
    template="certificates/rate_limited.html",
)


def _not_found(request, form=None):
    return render(
        request,
        "certificates/verify_not_found.html",
        {"form": form or SerialLookupForm()},
        status=404,
    )


@require_GET
@verify_rate_limited
def verify(request, code):
    """The public facts of a certificate: valid or revoked, holder, what,
    hours, issue date and serial. Nothing else (no school, no reasons)."""
    certificate = selectors.public_certificate(code=code)
    if certificate is None:
        return _not_found(request)
    return render(request, "certificates/verify.html", {"certificate": certificate})


@require_GET
@verify_rate_limited
def verify_lookup(request):
    form = SerialLookupForm(request.GET or None)
    if form.is_valid():
        certificate = selectors.public_certificate_by_serial(
            serial=form.cleaned_data["serial"]
        )
        if certificate is None:
            return _not_found(request, form)
        return redirect("certificates:verify", code=certificate.verification_code)
    return render(request, "certificates/verify_lookup.html", {"form": form})


# Wagtail admin


def template_preview_pdf(request, pk):
    """A template filled with sample data, for checking its layout."""
    ensure(permissions.can_preview_templates(request.user))
    from .pdf import render_sample_pdf

    template = get_object_or_404(CertificateTemplate, pk=pk)
    return content_response(
        render_sample_pdf(template),
        content_type="application/pdf",
        filename=f"template-{template.pk}.pdf",
        as_attachment=False,
    )
