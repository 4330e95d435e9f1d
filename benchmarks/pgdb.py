"""Each benchmark works in a PostgreSQL database of its own, named by its
DATABASE_URL and created on the server when it is missing."""

from urllib.parse import urlsplit, urlunsplit


def _server_and_name(database_url: str) -> tuple[str, str]:
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def create_database_if_missing(database_url: str, *, drop: bool = False) -> bool:
    """Create the database (dropping it first when `drop`); return whether it
    existed before."""
    import psycopg
    from psycopg import sql

    server, name = _server_and_name(database_url)
    with psycopg.connect(server, autocommit=True) as connection:
        exists = bool(
            connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
        )
        if exists and drop:
            connection.execute(
                sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name))
            )
        if not exists or drop:
            connection.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            )
    return exists
