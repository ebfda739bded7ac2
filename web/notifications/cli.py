"""The commands cron runs: the daily digest, and notices whose delivery was lost."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from web.notifications.delivery import deliver_left_over, send_digests


@click.command("send-digests")
@with_appcontext
def send_digests_command() -> None:
    """Mail each person one digest of their pending notices (safe to run again)."""
    result = send_digests()
    click.echo(f"Digests sent: {result.sent}; failed: {result.failed}.")
    if result.failed:
        raise SystemExit(1)


@click.command("send-notifications")
@with_appcontext
@click.option(
    "--older-than",
    "minutes",
    type=float,
    default=10,
    show_default=True,
    help="Only notices pending for at least this many minutes.",
)
def send_notifications_command(minutes: float) -> None:
    """Deliver immediate notices still pending (Redis was down, a worker died)."""
    result = deliver_left_over(minutes)
    click.echo(f"Notifications sent: {result.sent}; failed: {result.failed}.")
    if result.failed:
        raise SystemExit(1)
