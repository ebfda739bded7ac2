"""Alembic environment: migrations run against the URL the caller configured."""

from __future__ import annotations

import importlib

from alembic import context

import pipeline.models  # noqa: F401  (registers the tables)
import pipeline.notifications.models  # noqa: F401
from pipeline.db import Base, UTCDateTime, make_engine
from pipeline.search import include_name

config = context.config
target_metadata = Base.metadata
# Other layers' models share the metadata; the caller names their modules (pipeline must not
# import them itself).
for module in (config.get_main_option("model_modules") or "").split():
    importlib.import_module(module)


def render_item(type_: str, obj: object, autogen_context) -> str | bool:
    """Render the project's own column types as plain SQLAlchemy types in migrations."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_offline() -> None:
    """Emit SQL without a database connection."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run migrations on a live connection (SQLite uses batch mode for ALTER TABLE)."""
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                # Batch mode rebuilds a table by copy, drop and rename. With foreign keys on,
                # the drop would null every reference to the table (ON DELETE SET NULL) or
                # delete the rows (CASCADE), so a migration would silently lose data.
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                connection.commit()
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=True,
                compare_type=True,
                render_item=render_item,
                include_name=include_name,
            )
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"Foreign keys broken by the migration: {broken[:5]}")
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
