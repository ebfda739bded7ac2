"""Operations commands: backup, restore, a person's data (export, removal), the search index."""

from __future__ import annotations

import json
import sys

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from pipeline import backup, login_sessions, personal_data
from pipeline.accounts import find_user_by_email
from pipeline.errors import PipelineError
from pipeline.i18n import render
from pipeline.models import Role, User
from web import db


def _url() -> str:
    return current_app.config["DATABASE_URL"]


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def backup_command(path: str) -> None:
    """Write every table (and the stored files) to the archive PATH (a .zip)."""
    try:
        manifest = backup.write_backup(_url(), path)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = sum(entry.rows for entry in manifest.tables)
    click.echo(
        f"Backup written to {path}: {len(manifest.tables)} tables, {rows} rows, "
        f"schema {manifest.revision}."
    )


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def restore_command(path: str) -> None:
    """Load the archive PATH into the (empty) database, checking it before and after."""
    try:
        manifest = backup.restore_backup(_url(), path)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = sum(entry.rows for entry in manifest.tables)
    click.echo(
        f"Restored {len(manifest.tables)} tables, {rows} rows from {path} "
        f"(written {manifest.created_at}); schema upgraded to head."
    )


def _person(email: str) -> User:
    person = find_user_by_email(db.session(), email)
    if person is None:
        raise click.ClickException(f"No account with the e-mail address {email!r}.")
    return person


def _operator(email: str | None) -> User:
    """The admin on whose behalf the command acts (named, or the first active admin)."""
    session = db.session()
    if email:
        return _person(email)
    from sqlalchemy import select

    admin = session.scalars(
        select(User).where(User.role == Role.ADMIN, User.is_active.is_(True)).order_by(User.id)
    ).first()
    if admin is None:
        raise click.ClickException("No active admin account to act as; give --as EMAIL.")
    return admin


@click.command("export-person")
@with_appcontext
@click.argument("email")
@click.option("--out", "out", type=click.File("w", encoding="utf-8"), default="-")
@click.option("--as", "operator", help="The admin acting (default: the first active admin).")
def export_person_command(email: str, out, operator: str | None) -> None:
    """Write everything Framsyn holds about the person with EMAIL as JSON."""
    session = db.session()
    person = _person(email)
    try:
        data = personal_data.export_person(session, _operator(operator), person)
    except PipelineError as exc:
        raise click.ClickException(render(exc.text, "en")) from exc
    session.commit()
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")
    if out is not sys.stdout:
        click.echo(f"Personal data of account {person.id} written to {out.name}.", err=True)


@click.command("remove-person")
@with_appcontext
@click.argument("email")
@click.option("--as", "operator", help="The admin acting (default: the first active admin).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def remove_person_command(email: str, operator: str | None, yes: bool) -> None:
    """Anonymise the person with EMAIL: contributions stay, personal fields go."""
    session = db.session()
    person = _person(email)
    if not yes:
        click.confirm(f"Remove {person.name} <{person.email}> for good?", abort=True)
    try:
        removal = personal_data.remove_person(session, _operator(operator), person)
    except PipelineError as exc:
        raise click.ClickException(render(exc.text, "en")) from exc
    session.commit()
    click.echo(
        f"Account {removal.user_id} anonymised: {removal.contacts_cleared} idea contacts "
        f"cleared, {removal.mail_deleted} messages deleted, {removal.mail_redacted} messages "
        f"and {removal.log_entries_redacted} log entries redacted, other: {removal.other}."
    )


@click.command("purge-sessions")
@with_appcontext
def purge_sessions_command() -> None:
    """Delete the rows of sign-ins that have expired (at most 30 days old)."""
    session = db.session()
    count = login_sessions.purge_expired(session)
    session.commit()
    click.echo(f"{count} expired sign-ins deleted.")


@click.command("reindex-search")
@with_appcontext
def reindex_search_command() -> None:
    """Rewrite the search index of every idea (after a bulk change or a restore)."""
    from drafting.search.index import reindex

    session = db.session()
    written = reindex(session.connection())
    session.commit()
    click.echo(f"Search index rewritten: {written} ideas.")


def init_app(app: Flask) -> None:
    """Register the commands."""
    for command in (
        backup_command,
        restore_command,
        export_person_command,
        remove_person_command,
        purge_sessions_command,
        reindex_search_command,
    ):
        app.cli.add_command(command)
