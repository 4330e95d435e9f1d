"""Writes for H5P packages: create, replace, unpack, delete.

An upload is validated before anything is stored. The package row is saved as
`processing`; once the transaction commits, the package is unpacked, in the
request for small files and in the Celery task `unpack_h5p_package` for large
ones (over H5P_SYNC_UNPACK_BYTES). Unpacking validates again, counts the bytes
it writes, installs the libraries the package brings (once per machine name
and major.minor, shared by all packages), and marks the package `ready`, or
`failed` with the reason and no files left behind. Files are removed only
after the transaction that deleted or replaced their package commits.

Libraries are shared by every package, so installing one, or upgrading it to
a higher patch, needs the permission `courses.install_h5plibrary` (the
programme office and administrators). An upload by someone without it that
would install or upgrade a library is refused naming the libraries; the
decision is stored on the package and checked again when it is unpacked.
Every install and upgrade is written to the audit log (people.audit).

A package is a job (core.jobs, `PACKAGES`): each unpack counts an attempt,
and the sweep unpacks again a package left processing (the web process or
the worker died, the broker lost the task; in the sweeping process when the
broker is down) and gives up, failed, after three attempts.
"""

import datetime
import logging
import zipfile
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import jobs
from core.tasks import enqueue_after_commit
from courses.models import H5PLibrary, H5PPackage
from courses.permissions import can_install_h5p_libraries
from courses.registrations import AuditAction
from courses.tasks import unpack_h5p_package
from people import audit

from . import assets, storage
from .metadata import LibraryMeta, LibraryRef
from .validation import PackageInfo, validate_archive
from .validation import validate_package as _validate_upload

logger = logging.getLogger(__name__)
Status = H5PPackage.Status
LIBRARY_LINKS = H5PPackage.libraries.through


def sync_unpack_limit() -> int:
    """Packages up to this size are unpacked in the request, larger ones in
    the Celery task."""
    return getattr(settings, "H5P_SYNC_UNPACK_BYTES", 5 * 1024 * 1024)


def h5p_may_install_libraries(user) -> bool:
    """Whether `user` may install or upgrade the libraries all packages
    share. None stands for the system (the demo seed, management commands)."""
    return can_install_h5p_libraries(user)


def h5p_check_library_installs(*, info: PackageInfo, by) -> None:
    """Refuse a package that would install or upgrade libraries unless `by`
    may install them (h5p_may_install_libraries).

    Raises ValidationError (code `library_install_not_permitted`) naming the
    libraries, as machineName major.minor.patch, and who can install them.
    """
    if not h5p_may_install_libraries(by):
        install = _libraries_to_install(info)
        if install:
            raise _install_not_permitted(install)


def _install_not_permitted(install: list[LibraryMeta]) -> ValidationError:
    return ValidationError(
        _(
            "This package would install or upgrade libraries that every package "
            "shares: %(libraries)s. Only programme office staff or an "
            "administrator may install libraries; ask them to upload this "
            "package first."
        ),
        code="library_install_not_permitted",
        params={"libraries": ", ".join(_version_label(meta) for meta in install)},
    )


def _version_label(meta: LibraryMeta) -> str:
    ref = meta.ref
    return f"{ref.machine_name} {ref.major}.{ref.minor}.{meta.patch}"


@transaction.atomic
def h5p_package_create(*, title: str, file: File, by) -> H5PPackage:
    """Store a new package uploaded by `by` as `processing` and unpack it
    after commit.

    `by` is the acting user, required so no caller forgets it; None only for
    the system (the demo seed, management commands, tests' fixtures), which
    may install libraries.
    Raises ValidationError if the file breaks any rule of
    courses.h5p.validation, if it would install or upgrade a library and
    `by` may not (h5p_check_library_installs), or if the title is empty;
    nothing is stored then.
    """
    info = _validate_upload(file)
    h5p_check_library_installs(info=info, by=by)
    package = H5PPackage(
        title=title,
        file=file,
        uploaded_by=by,
        may_install_libraries=h5p_may_install_libraries(by),
        status=Status.PROCESSING,
        progress_total=1,
        main_library=info.main_library,
        h5p_json=info.h5p_json,
    )
    package.full_clean()
    package.save()
    # Installed libraries it depends on are kept from now on, not only once
    # it is unpacked.
    package.libraries.set(_library_rows(info.installed))
    _schedule_unpack(package)
    return package


@transaction.atomic
def h5p_package_replace(
    *,
    package: H5PPackage,
    title: str | None = None,
    file: File | None = None,
    by,
) -> H5PPackage:
    """Change a package's title and, given a new file, replace its file: the
    package is `processing` again, counts as uploaded by `by` and is unpacked
    after commit; the old file is deleted after commit.

    `by` is the acting user (None only for the system, as in
    h5p_package_create). Raises ValidationError as h5p_package_create does;
    nothing changes then.
    """
    if title is not None:
        package.title = title
    if file is None:
        package.full_clean()
        package.save(update_fields=["title", "updated_at"])
        return package
    info = _validate_upload(file)
    h5p_check_library_installs(info=info, by=by)
    old_name = H5PPackage.objects.values_list("file", flat=True).get(pk=package.pk)
    package.file = file
    package.uploaded_by = by
    package.may_install_libraries = h5p_may_install_libraries(by)
    package.status, package.error = Status.PROCESSING, ""
    package.attempts = package.progress_done = 0
    package.progress_total, package.finished_at = 1, None
    package.main_library, package.h5p_json = info.main_library, info.h5p_json
    package.full_clean()
    package.save()
    package.libraries.add(*_library_rows(info.installed))
    if old_name and old_name != package.file.name:
        transaction.on_commit(partial(storage.remove_uploaded_file, old_name))
    _schedule_unpack(package)
    return package


@transaction.atomic
def h5p_package_delete(*, package: H5PPackage) -> None:
    """Delete a package. After commit, remove its content folder, its file,
    and the libraries no other package uses (rows and folders)."""
    pk, file_name = package.pk, package.file.name
    library_ids = list(package.libraries.values_list("pk", flat=True))
    package.delete()
    transaction.on_commit(partial(storage.remove_package_files, pk, file_name))
    transaction.on_commit(partial(h5p_libraries_remove_unused, library_ids))


def h5p_libraries_remove_unused(library_ids) -> None:
    """Delete those of the given libraries no package uses, then (after
    commit) their folders."""
    with transaction.atomic():
        # Lock first: a package being linked to one of them meanwhile (which
        # locks it too) is then seen below.
        candidates = list(
            H5PLibrary.objects.select_for_update().filter(pk__in=library_ids)
        )
        in_use = set(
            LIBRARY_LINKS.objects.filter(h5plibrary__in=candidates).values_list(
                "h5plibrary_id", flat=True
            )
        )
        unused = [lib for lib in candidates if lib.pk not in in_use]
        H5PLibrary.objects.filter(pk__in=[lib.pk for lib in unused]).delete()
        # Freed while the rows are locked, so a library installed again right
        # after commit is never removed by this.
        aside = [
            storage.move_aside(storage.library_dir(lib.folder_name)) for lib in unused
        ]
        transaction.on_commit(partial(_remove_trees, aside))


def _remove_trees(paths) -> None:
    for path in paths:
        storage.remove_tree(path)


def _library_rows(refs) -> list[H5PLibrary]:
    rows = []
    for ref in refs:
        row = (
            H5PLibrary.objects.select_for_update()
            .filter(
                machine_name=ref.machine_name,
                major_version=ref.major,
                minor_version=ref.minor,
            )
            .first()
        )
        if row is None:
            raise ValidationError(
                _("The library %(library)s is no longer installed."),
                code="missing_dependency",
                params={"library": str(ref)},
            )
        rows.append(row)
    return rows


def _schedule_unpack(package: H5PPackage) -> None:
    if package.file.size > sync_unpack_limit():
        # With the broker down the package is unpacked in this process.
        enqueue_after_commit(
            unpack_h5p_package,
            package.pk,
            fallback=partial(h5p_package_unpack, package_id=package.pk),
        )
    else:
        transaction.on_commit(partial(h5p_package_unpack, package_id=package.pk))


def h5p_package_unpack(*, package_id: int) -> H5PPackage | None:
    """Unpack a package's file into its content folder and install the
    libraries it brings, then mark it `ready`.

    Idempotent: a ready package (or a deleted one) is left alone. A package
    that fails validation or extraction, or that would now install or upgrade
    a library though its uploader may not (a library was removed or the file
    changed since upload), is marked `failed` with the reason, and every file
    this run wrote is removed; this function does not raise for a bad
    package. If the file was replaced meanwhile, the result of this
    run is thrown away (the replacement schedules its own run).
    """
    package = H5PPackage.objects.filter(pk=package_id).first()
    if package is None or package.status == Status.READY:
        return package
    # One attempt more (the sweep gives up after three); a failed package
    # asked for again is unpacked again, but is not counted.
    H5PPackage.claim(package_id)
    file_name = package.file.name
    staged = None
    try:
        with package.file.open("rb"), zipfile.ZipFile(package.file) as archive:
            info = validate_archive(archive)
            install = _libraries_to_install(info)
            if install and not package.may_install_libraries:
                raise _install_not_permitted(install)
            staged = storage.stage_package(
                archive, info, package_pk=package_id, install=install
            )
        return _finish_unpack(package_id, file_name, info, staged)
    except ValidationError as exc:
        reason = " ".join(exc.messages)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        logger.warning("H5P package %s could not be unpacked: %s", package_id, exc)
        reason = _("The package file could not be read or is damaged.")
    except Exception:
        # Never leave a package "processing" for ever; the log has the cause.
        logger.exception("H5P package %s could not be unpacked", package_id)
        reason = _("The package could not be unpacked.")
    if staged is not None:
        staged.discard()
    return _mark_failed(package_id, file_name, reason)


def _libraries_to_install(info: PackageInfo) -> list[LibraryMeta]:
    """The package's libraries not installed yet, or installed with an older
    patch version."""
    rows = {
        LibraryRef(lib.machine_name, lib.major_version, lib.minor_version): lib
        for lib in H5PLibrary.objects.filter(
            machine_name__in={ref.machine_name for ref in info.libraries}
        )
    }
    return [meta for ref, meta in info.libraries.items() if _needs_install(meta, rows)]


def _needs_install(meta: LibraryMeta, rows: dict) -> bool:
    row = rows.get(meta.ref)
    return (
        row is None
        or row.patch_version < meta.patch
        or not storage.is_library_on_disk(meta.ref.folder_name)
    )


def _finish_unpack(package_id, file_name, info, staged) -> H5PPackage | None:
    with transaction.atomic():
        package = H5PPackage.objects.select_for_update().filter(pk=package_id).first()
        if package is None or package.file.name != file_name:
            staged.discard()
            return package
        old_ids = set(package.libraries.values_list("pk", flat=True))
        upgrades = {ref.folder_name for ref in staged.libraries}
        libraries = [
            _install_library(info.libraries[ref], path, package=package)
            for ref, path in staged.libraries.items()
        ]
        libraries += _library_rows(set(info.libraries) - set(staged.libraries))
        libraries += _library_rows(info.installed)
        package.libraries.set(libraries)
        storage.swap_into_place(staged.content, storage.content_root(package_id))
        package.assets = _built_assets(package)
        # Packages sharing a library this one upgraded aggregate theirs again.
        upgraded = [lib.pk for lib in libraries if lib.folder_name in upgrades]
        if upgraded:
            sharing = (
                H5PPackage.objects.filter(libraries__in=upgraded, status=Status.READY)
                .exclude(pk=package_id)
                .distinct()
            )
            for other in sharing:
                other.assets = _built_assets(other)
                other.save(update_fields=["assets"])
        package.status, package.error = Status.READY, ""
        package.progress_done = package.progress_total = 1
        package.finished_at = timezone.now()
        package.save(
            update_fields=[
                "status", "error", "progress_done", "progress_total",
                "finished_at", "updated_at", "assets",
            ]
        )  # fmt: skip
        dropped = old_ids - {lib.pk for lib in libraries}
        transaction.on_commit(partial(h5p_libraries_remove_unused, dropped))
    return package


def _built_assets(package: H5PPackage) -> dict:
    try:
        return assets.build(package)
    except (OSError, ValueError, KeyError, TypeError):
        logger.exception(
            "The player assets of H5P package %s could not be built", package.pk
        )
        return {}


def _install_library(meta: LibraryMeta, staged_dir, *, package) -> H5PLibrary:
    """Rename a staged library into place unless the same or a newer patch
    got installed meanwhile; create or update its row and record the install
    or upgrade in the audit log."""
    ref = meta.ref
    lookup = {
        "machine_name": ref.machine_name,
        "major_version": ref.major,
        "minor_version": ref.minor,
    }
    row = H5PLibrary.objects.select_for_update().filter(**lookup).first()
    if row is not None and not _needs_install(meta, {ref: row}):
        storage.remove_tree(staged_dir)
        return row
    storage.swap_into_place(staged_dir, storage.library_dir(ref.folder_name))
    previous = None if row is None else row.patch_version
    if row is None:
        try:
            with transaction.atomic():
                row = H5PLibrary.objects.create(
                    **lookup, patch_version=meta.patch, title=meta.title
                )
        except IntegrityError:  # installed concurrently
            row = H5PLibrary.objects.get(**lookup)
            previous = row.patch_version
    if previous is not None:
        row.patch_version, row.title = meta.patch, meta.title
        row.save(update_fields=["patch_version", "title"])
    _record_install(meta, previous, package)
    return row


def _record_install(meta: LibraryMeta, previous: int | None, package) -> None:
    """One audit event per library installed (new, or its folder restored)
    or upgraded to a higher patch; it rolls back with a failed install."""
    ref = meta.ref
    version = f"{ref.major}.{ref.minor}"
    upgrade = previous is not None and previous < meta.patch
    audit.record(
        action=AuditAction.H5P_LIBRARY_UPGRADE
        if upgrade
        else AuditAction.H5P_LIBRARY_INSTALL,
        actor=package.uploaded_by,
        target=_version_label(meta),
        details={
            "library": ref.machine_name,
            "from_version": None if previous is None else f"{version}.{previous}",
            "to_version": f"{version}.{meta.patch}",
            "package_id": package.pk,
            "package_title": package.title,
        },
    )


def _mark_failed(package_id: int, file_name: str, reason: str) -> H5PPackage | None:
    """Mark the package failed, unless its file was replaced meanwhile, and
    remove any content an earlier run left."""
    now = timezone.now()
    updated = H5PPackage.objects.filter(pk=package_id, file=file_name).update(
        status=Status.FAILED, error=reason, updated_at=now, finished_at=now
    )
    if updated:
        storage.remove_tree(storage.content_root(package_id))
    return H5PPackage.objects.filter(pk=package_id).first()


def _remove_content(package_ids: list[int]) -> None:
    for package_id in package_ids:
        storage.remove_tree(storage.content_root(package_id))


def _unpack_here(package_id: int) -> None:
    h5p_package_unpack(package_id=package_id)


# The sweep (core.jobs) looks after packages once CoursesConfig registers
# this. An unpack says nothing while it works: ten quiet minutes mean its
# process died (no package takes that long), not a slow worker.
PACKAGES = jobs.JobKind(
    name="courses.h5p",
    model=H5PPackage,
    task=unpack_h5p_package,
    pending_after=datetime.timedelta(minutes=10),
    stale_after=datetime.timedelta(minutes=10),
    run_here=_unpack_here,
    on_give_up=_remove_content,
)
