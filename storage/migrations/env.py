"""Alembic environment: runs on a connection handed in by storage.db, or on the configured URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection

from storage.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run migrations on the given connection, or open one from the URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = (
        str(config.get_main_option("sqlalchemy.url"))
        .replace("+aiosqlite", "")
        .replace("+asyncpg", "+psycopg")
    )
    engine = create_engine(url)
    with engine.connect() as conn:
        _run(conn)
        conn.commit()


run_migrations_online()
