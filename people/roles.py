"""What each role may do, as Django permissions. The groups are created by the
data migration people/0002_roles; a later migration that changes what a role
may do calls `sync_role_groups` again."""

from .models import Role

# Model permissions ("app_label.codename") each role's group holds.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.TEACHER: [],
    Role.PRINCIPAL: ["people.view_school_staff"],
    Role.TRAINER: [
        "wagtailadmin.access_admin",
        "courses.add_coursecategory",
        "courses.change_coursecategory",
        "courses.view_coursecategory",
        "courses.view_track",
        "courses.view_programme",
        "courses.change_reflection",
        "courses.add_h5ppackage",
        "courses.change_h5ppackage",
        "courses.view_h5ppackage",
        "courses.delete_h5ppackage",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
    ],
    Role.MENTOR: ["placements.mentor_placement"],
    Role.OFFICE: [
        "wagtailadmin.access_admin",
        "courses.add_coursecategory",
        "courses.change_coursecategory",
        "courses.view_coursecategory",
        "courses.add_programme",
        "courses.change_programme",
        "courses.view_programme",
        "courses.add_track",
        "courses.change_track",
        "courses.view_track",
        "courses.add_trackenrolment",
        "courses.view_trackenrolment",
        "courses.add_enrolment",
        "courses.change_enrolment",
        "courses.view_enrolment",
        "courses.add_h5ppackage",
        "courses.change_h5ppackage",
        "courses.view_h5ppackage",
        "courses.delete_h5ppackage",
        "courses.install_h5plibrary",
        "people.view_all_schools",
        "people.add_user",
        "people.change_user",
        "people.view_user",
        "people.add_school",
        "people.change_school",
        "people.view_school",
        "people.add_pairing",
        "people.change_pairing",
        "people.delete_pairing",
        "people.view_pairing",
        "people.add_cohort",
        "people.change_cohort",
        "people.view_cohort",
        "people.add_profile",
        "people.change_profile",
        "people.view_profile",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
        "certificates.add_certificate",
        "certificates.change_certificate",
        "certificates.view_certificate",
        "certificates.add_certificatetemplate",
        "certificates.change_certificatetemplate",
        "certificates.view_certificatetemplate",
        "certificates.view_auditentry",
        "placements.add_placementround",
        "placements.change_placementround",
        "placements.view_placementround",
        "placements.add_placement",
        "placements.change_placement",
        "placements.delete_placement",
        "placements.view_placement",
        "placements.approve_placement",
    ],
}

# Page permissions on the whole page tree, for roles that author content.
ROLE_PAGE_PERMISSIONS: dict[str, list[str]] = {
    Role.TRAINER: ["add_page", "change_page", "publish_page"],
    Role.OFFICE: ["add_page", "change_page", "publish_page"],
}

# Collection permissions on the root collection, for images and documents.
ROLE_COLLECTION_PERMISSIONS = {
    role: [p for p in perms if p.startswith(("wagtailimages.", "wagtaildocs."))]
    for role, perms in ROLE_PERMISSIONS.items()
}


def sync_role_groups(apps) -> None:
    """Create one group per role holding exactly the permissions above.

    Takes an app registry so data migrations can call it with historical models;
    permissions of apps not yet migrated at that point are left for a later
    migration that calls this again. Permissions are created first: a fresh
    database has none before post_migrate.
    """
    from django.contrib.auth.management import create_permissions

    labels = {
        name.split(".", 1)[0] for names in ROLE_PERMISSIONS.values() for name in names
    }
    for label in sorted(labels | {"wagtailcore"}):
        try:
            app_config = apps.get_app_config(label)
        except LookupError:
            continue
        # Historical app configs lack models_module, which create_permissions checks.
        app_config.models_module = getattr(app_config, "models_module", None) or True
        create_permissions(app_config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = Permission.objects.none()
        for app, codename in (name.split(".", 1) for name in names):
            wanted |= Permission.objects.filter(
                content_type__app_label=app, codename=codename
            )
        group.permissions.set(wanted)
    _grant_page_and_collection_permissions(apps)


def _grant_page_and_collection_permissions(apps) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model(
        "wagtailcore", "GroupCollectionPermission"
    )
    root_page = Page.objects.filter(depth=1).first()
    root_collection = Collection.objects.filter(depth=1).first()
    for role, codenames in ROLE_PAGE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        for codename in codenames:
            permission = Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            )
            GroupPagePermission.objects.get_or_create(
                group=group, page=root_page, permission=permission
            )
    for role, names in ROLE_COLLECTION_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        for name in names:
            app, codename = name.split(".", 1)
            permission = Permission.objects.get(
                content_type__app_label=app, codename=codename
            )
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=permission
            )
