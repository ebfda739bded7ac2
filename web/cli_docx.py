"""Word and job commands: `flask --app web export-docx`, `import-docx`, `purge-files` and
`fail-stale-jobs`.

They call the same services as the web pages (drafting.word.export, drafting.word.importing,
drafting.jobs.files) in one transaction each.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from sqlalchemy import func, select

from drafting.errors import DraftingError
from drafting.word.safety import MAX_UPLOAD_BYTES, ImportRefused
from pipeline.errors import PipelineError
from pipeline.models import Role, User
from web import db


def _user(email: str | None) -> User:
    """The user named by --user, or an administrator acting for the command line."""
    if email is None:
        return User(name="Framsyn", email="cli@localhost", role=Role.ADMIN)
    user = (
        db.session()
        .scalars(select(User).where(func.lower(User.email) == email.strip().lower()))
        .one_or_none()
    )
    if user is None or not user.is_active:
        raise click.ClickException(f"No active user with the e-mail {email!r}.")
    return user


def _fail(error: Exception) -> click.ClickException:
    message = error.message("sv") if hasattr(error, "message") else str(error)
    return click.ClickException(message)


@click.command("export-docx")
@click.argument("idea_id", type=int)
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--revision", type=int, default=None, help="Revision number (default: latest).")
@click.option("--appendix", is_flag=True, help="Add the horizontal-principles appendix.")
@click.option("--comments", is_flag=True, help="Add the open review comments.")
@click.option("--user", "email", default=None, help="Export as this user (default: admin).")
def export_docx(
    idea_id: int, out: Path, revision: int | None, appendix: bool, comments: bool, email: str
) -> None:
    """Export the draft of IDEA_ID to OUT (.docx)."""
    from drafting.word.export import export_draft

    session = db.session()
    try:
        exported = export_draft(
            session,
            _user(email),
            idea_id,
            revision=revision,
            appendix=appendix,
            comments=comments,
        )
    except (PipelineError, DraftingError) as exc:
        raise _fail(exc) from exc
    out.write_bytes(exported.data)
    click.echo(f"Wrote {out} ({len(exported.data)} bytes, revision {exported.revision}).")
    click.echo(f"Suggested file name: {exported.name}")


@click.command("import-docx")
@click.argument("idea_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "email", required=True, help="The author of the new revisions.")
@click.option("--unmatched-to", default=None, help="Section key for unmatched text.")
def import_docx_command(idea_id: int, file: Path, email: str, unmatched_to: str | None) -> None:
    """Import FILE (.docx) into the draft of IDEA_ID as new revisions."""
    from drafting.word.importing import import_docx

    if file.stat().st_size > MAX_UPLOAD_BYTES:
        raise click.ClickException("The file is larger than 10 MB.")
    session = db.session()
    try:
        report = import_docx(
            session, _user(email), idea_id, file.read_bytes(), unmatched_target=unmatched_to
        )
    except (PipelineError, DraftingError, ImportRefused) as exc:
        session.rollback()
        raise _fail(exc) from exc
    session.commit()
    click.echo(f"Changed sections: {', '.join(report.changed) or 'none'}.")
    click.echo(f"Unchanged sections: {', '.join(report.unchanged) or 'none'}.")
    for item in report.unmatched:
        click.echo(f"Unmatched heading {item.heading!r} appended to {report.unmatched_target}.")
    click.echo(f"The draft is now at revision {report.revision}.")


@click.command("purge-files")
def purge_files() -> None:
    """Delete stored files whose retention period has run out."""
    from drafting.jobs.files import purge_expired

    session = db.session()
    count = purge_expired(session)
    session.commit()
    click.echo(f"{count} expired files deleted.")


@click.command("fail-stale-jobs")
def fail_stale_jobs() -> None:
    """Fail the jobs whose worker died (RQ found them abandoned with no retry left, or gave up;
    inline: running past the time limit), so they can be retried."""
    from web.queue import settle_unfinished

    session = db.session()
    count = settle_unfinished(session)
    session.commit()
    click.echo(f"Jobs failed as abandoned: {count}.")


def init_app(app: Flask) -> None:
    """Register the commands."""
    for command in (export_docx, import_docx_command, purge_files, fail_stale_jobs):
        app.cli.add_command(command)
