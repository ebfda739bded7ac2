"""why a sign-off stopped counting

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 21:20:00

`sign_off.void_reason` says why a sign-off no longer counts: `revoked` (withdrawn by the team),
`new_revision` (the draft changed), `changes_requested` or `back_to_drafting` (the idea moved
back). Existing sign-offs that a later revision had already made void are marked so, at the
time of that revision; a withdrawn one is marked `revoked`. Downgrading drops the column and
keeps the sign-offs and their revoked_at.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sign_off", schema=None) as batch_op:
        batch_op.add_column(sa.Column("void_reason", sa.String(length=20), nullable=True))
    op.execute("UPDATE sign_off SET void_reason = 'revoked' WHERE revoked_at IS NOT NULL")
    op.execute(
        """
        UPDATE sign_off SET void_reason = 'new_revision', revoked_at = (
            SELECT min(r.created_at) FROM section_revision r
            WHERE r.draft_id = sign_off.draft_id AND r.number > sign_off.revision_number
        )
        WHERE revoked_at IS NULL AND EXISTS (
            SELECT 1 FROM section_revision r
            WHERE r.draft_id = sign_off.draft_id AND r.number > sign_off.revision_number
        )
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("sign_off", schema=None) as batch_op:
        batch_op.drop_column("void_reason")
