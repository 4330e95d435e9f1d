"""Celery tasks for courses: thin wrappers that take ids and call a service."""

from celery import shared_task


@shared_task(acks_late=True)
def unpack_h5p_package(package_id: int) -> None:
    """Unpack an uploaded H5P package. Safe to run again: a package that is
    already ready is left alone."""
    from courses.h5p.services import h5p_package_unpack

    h5p_package_unpack(package_id=package_id)
