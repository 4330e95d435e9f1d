"""Path converters the apps' URL patterns share."""

# The largest key a table holds: PostgreSQL's bigint, SQLite's INTEGER.
MAX_DATABASE_ID = 2**63 - 1


class DatabaseIdConverter:
    """`<id:name>`: a database id. Django's `int` takes any number of digits,
    and a number past the largest key goes on into the query, where SQLite's
    driver cannot send it and PostgreSQL refuses it in some lookups: a server
    error. No row can have such an id, so the URL does not match (404)."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_DATABASE_ID:
            raise ValueError(f"{value} is past the largest database id")
        return number

    def to_url(self, value) -> str:
        return str(int(value))
