"""Office staff import teachers from a sheet: upload, preview, confirm, result.

The cleaned cells wait in the session between upload and confirm, under a
random token that also appears in the URLs, so a preview left open in another
tab can never confirm a different file. Every preview and the confirm check
the rows against the database again. Initial passwords of new accounts wait in
the session for PASSWORDS_KEPT_SECONDS, to be downloaded as a CSV file.
"""

import datetime
import time
import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.serving import content_response
from core.tabular import CSV_TYPE
from courses.models import Track
from people.models import Cohort, School
from people.permissions import require

from . import services as importer
from .permissions import can_import_teachers

PREVIEW_KEY = "people_import"
RESULT_KEY = "people_import_result"
PASSWORDS_KEPT_SECONDS = 60 * 60
office_only = require(can_import_teachers)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Sheet (.csv or .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.sheet = importer.sheet_read(upload)
        except importer.ImportFileError as error:
            raise ValidationError(str(error)) from error
        return upload


@login_required
@office_only
def import_start(request):
    posted = request.method == "POST"
    # An empty POST is a submission without a file, not a fresh page.
    form = ImportUploadForm(
        request.POST if posted else None, request.FILES if posted else None
    )
    if request.method == "POST" and form.is_valid():
        token = uuid.uuid4().hex
        request.session[PREVIEW_KEY] = {
            "token": token,
            "sheet": form.sheet.to_json(),
        }
        return redirect("people:import_preview", token=token)
    result = _stored_result(request)
    context = {
        "form": form,
        "result": result,
        "passwords_expire_at": _passwords_expire_at(result) if result else None,
        "max_rows": importer.MAX_ROWS,
        "max_megabytes": importer.MAX_UPLOAD_BYTES // (1024 * 1024),
        "schools": School.objects.order_by("kind", "code"),
        "cohorts": Cohort.objects.all(),
        "tracks": Track.objects.order_by("code"),
    }
    # A refused file answers 400: the page shows the reason, nothing is kept.
    status = 400 if form.errors else 200
    return render(request, "importer/upload.html", context, status=status)


@login_required
@office_only
def import_template(request):
    return content_response(
        importer.template_csv(), content_type=CSV_TYPE, filename="教师导入模板.csv"
    )


@login_required
@office_only
def import_preview(request, token):
    sheet = _stored_sheet(request, token)
    if sheet is None:
        return redirect("people:import_start")
    plan = importer.import_plan(sheet)
    only_errors = request.GET.get("show") == "errors"
    context = {
        "token": token,
        "filename": sheet.filename,
        "plan": plan,
        "counts": plan.counts,
        "rows": [row for row in plan.rows if row.errors] if only_errors else plan.rows,
        "only_errors": only_errors,
    }
    return render(request, "importer/preview.html", context)


@require_POST
@login_required
@office_only
def import_confirm(request, token):
    sheet = _stored_sheet(request, token)
    if sheet is None:
        return redirect("people:import_start")
    try:
        outcome = importer.import_apply(
            sheet=sheet,
            fingerprint=request.POST.get("fingerprint", ""),
            by=request.user,
        )
    except importer.ImportOutdated:
        message = _(
            "The accounts changed since this preview was shown. Nothing was "
            "saved: check the preview again."
        )
        messages.warning(request, message)
        return redirect("people:import_preview", token=token)
    except (ValidationError, IntegrityError) as error:
        detail = " ".join(getattr(error, "messages", [str(error)]))
        messages.error(request, _("Nothing was saved: %(error)s") % {"error": detail})
        return redirect("people:import_preview", token=token)
    del request.session[PREVIEW_KEY]
    request.session[RESULT_KEY] = {
        "token": token,
        "saved_at": time.time(),
        "created": outcome.created,
        "updated": outcome.updated,
        "unchanged": outcome.unchanged,
        "credentials": outcome.credentials,
    }
    messages.success(
        request,
        _("Import finished. New accounts: %(created)d; updated: %(updated)d.")
        % {"created": outcome.created, "updated": outcome.updated},
    )
    return redirect("people:import_start")


@login_required
@office_only
def import_passwords(request, token):
    result = _stored_result(request, token)
    if result is None or not result["credentials"]:
        messages.warning(
            request,
            _(
                "The initial passwords are no longer available; set new ones for "
                "these accounts in the content admin."
            ),
        )
        return redirect("people:import_start")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return content_response(
        importer.credentials_csv(result["credentials"]),
        content_type=CSV_TYPE,
        filename=f"初始密码-{stamp}.csv",
        cache_control="no-store",
    )


@require_POST
@login_required
@office_only
def import_discard(request, token):
    """Drop a preview, or forget the initial passwords of a finished import."""
    for key in (PREVIEW_KEY, RESULT_KEY):
        if request.session.get(key, {}).get("token") == token:
            del request.session[key]
    messages.info(request, _("The import data was removed from this session."))
    return redirect("people:import_start")


def _stored_sheet(request, token) -> importer.ImportSheet | None:
    stored = request.session.get(PREVIEW_KEY)
    if not stored or stored.get("token") != token:
        messages.warning(
            request,
            _("This preview is no longer available; upload the file again."),
        )
        return None
    return importer.ImportSheet.from_json(stored["sheet"])


def _stored_result(request, token: str | None = None) -> dict | None:
    """The last finished import; its passwords are dropped once expired."""
    result = request.session.get(RESULT_KEY)
    if not result or (token and result.get("token") != token):
        return None
    if result["credentials"] and timezone.now() > _passwords_expire_at(result):
        result["credentials"] = []
        request.session[RESULT_KEY] = result
    return result


def _passwords_expire_at(result: dict) -> datetime.datetime:
    expires = result["saved_at"] + PASSWORDS_KEPT_SECONDS
    return datetime.datetime.fromtimestamp(expires, tz=datetime.UTC)
