"""Alembic environment: migrate the connection the store hands over (inside its transaction,
holding its migration lock), or, from the alembic command line, the URL given with -x url=..."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context


def _run(conn: sa.Connection) -> None:
    # render_as_batch: SQLite alters tables by copying them; PostgreSQL alters in place.
    context.configure(connection=conn, target_metadata=None, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("give the database: alembic -c assistant/alembic.ini -x url=... CMD")
    from assistant.sessions import database_url

    engine = sa.create_engine(database_url(url))
    with engine.begin() as conn:
        _run(conn)


# Alembic executes this file as a script; imported as a module of the package (tools walking
# assistant/, e.g. the architecture test) it does nothing.
if __name__ != "assistant.migrations.env":
    main()
