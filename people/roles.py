"""What each role may do, as Django permissions. Each app grants its own
permissions to roles in its `registrations` module (people.registries
.role_grants); the groups are created by the data migration people/0002_roles,
and a later migration that changes what a role may do calls `sync_role_groups`
again."""

from .models import Role
from .registries import role_grants


def role_permissions() -> dict[str, list[str]]:
    """Model permissions ("app_label.codename") each role's group holds, as
    every installed app grants them."""
    return {role: role_grants.permissions_of(role) for role in Role.values}


# Page permissions on the whole page tree, for roles that author content.
ROLE_PAGE_PERMISSIONS: dict[str, list[str]] = {
    Role.TRAINER: ["add_page", "change_page", "publish_page"],
    Role.OFFICE: ["add_page", "change_page", "publish_page"],
}


def role_collection_permissions() -> dict[str, list[str]]:
    """Collection permissions on the root collection, for images and documents."""
    return {
        role: [p for p in perms if p.startswith(("wagtailimages.", "wagtaildocs."))]
        for role, perms in role_permissions().items()
    }


def sync_role_groups(apps) -> None:
    """Create one group per role holding exactly what the apps grant it
    (role_permissions), and its page and collection permissions.

    Takes an app registry so data migrations can call it with historical models;
    permissions of apps not yet migrated at that point are left for a later
    migration that calls this again. Permissions are created first: a fresh
    database has none before post_migrate.
    """
    from django.contrib.auth.management import create_permissions

    granted = role_permissions()
    labels = {name.split(".", 1)[0] for names in granted.values() for name in names}
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
    for role, names in granted.items():
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
    for role, names in role_collection_permissions().items():
        group = Group.objects.get(name=role)
        for name in names:
            app, codename = name.split(".", 1)
            permission = Permission.objects.get(
                content_type__app_label=app, codename=codename
            )
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=permission
            )
