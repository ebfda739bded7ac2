"""Command-line tools: `flask --app web db upgrade`, `flask --app web demo-data`, ..."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from pipeline import migrate
from pipeline.demo import DEMO_PASSWORD, demo_logins, load_demo_data
from pipeline.region import load_region, sync_municipalities
from web import cli_ops, db
from web.auth.passwords import hash_password

db_cli = AppGroup("db", help="Database schema: upgrade, downgrade, revision.")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Upgrade the database to REVISION (default: head)."""
    migrate.upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database upgraded to {revision}.")


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Downgrade the database to REVISION."""
    migrate.downgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database downgraded to {revision}.")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--autogenerate/--empty", default=True)
def db_revision(message: str, autogenerate: bool) -> None:
    """Write a new migration (compared with the models when --autogenerate)."""
    from alembic import command

    config = migrate.alembic_config(current_app.config["DATABASE_URL"], db.MODEL_MODULES)
    command.revision(config, message=message, autogenerate=autogenerate)


@click.command("demo-data")
@click.option("--if-empty", is_flag=True, help="Only load when there are no ideas yet.")
def demo_data(if_empty: bool) -> None:
    """Load the demo organisations, people, calls and ideas (safe to run twice)."""
    from sqlalchemy import func, select

    from pipeline.models import ProjectIdea

    at, head = (
        migrate.database_revision(current_app.config["DATABASE_URL"]),
        migrate.head_revision(),
    )
    if at != head:
        where = "has never been migrated" if at is None else f"is at revision {at}, not {head}"
        raise click.ClickException(
            f"The database {where}. Run `flask --app web db upgrade` first, then demo-data."
        )
    session = db.session()
    if if_empty and session.scalar(select(func.count(ProjectIdea.id))):
        click.echo("The database already has ideas; demo data not loaded.")
    else:
        summary = load_demo_data(session, hash_password)
        session.commit()
        added = ", ".join(f"{n} {k}" for k, n in sorted(summary.added.items())) or "nothing new"
        click.echo(f"Demo data loaded: {added}.")
        from drafting.demo import load_demo_drafts

        drafts = load_demo_drafts(session)
        session.commit()
        click.echo(f"Demo application drafts added: {drafts}.")
    logins = demo_logins(session)
    if logins:
        click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, role, org in logins:
            click.echo(f"  {role:8} {email:38} {org}")


@click.command("sync-region")
@click.argument("region", required=False)
def sync_region(region: str | None) -> None:
    """Add the kommuner of REGION (a key or a .toml path; default FRAMSYN_REGION)."""
    session = db.session()
    added = sync_municipalities(session, load_region(region))
    session.commit()
    click.echo(f"{added} kommuner added.")


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(db_cli)
    app.cli.add_command(demo_data)
    app.cli.add_command(sync_region)
    cli_ops.init_app(app)
