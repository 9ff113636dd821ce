"""Reviewer masks: spans of personal data the redactor missed (offsets and kind, never the text), kept append-only
as redactor training examples; reports record the redactor that masked them and how often reviewers masked since.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 13:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("nama", "telepon", "nik", "email", "plat", "alamat", "lainnya")


def upgrade() -> None:
    with op.batch_alter_table("reports") as reports:
        reports.add_column(sa.Column("redactor_version", sa.String(length=64), nullable=True))
        reports.add_column(sa.Column("text_revision", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "reviewer_masks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.String(length=128), nullable=False),
        sa.Column("field", sa.String(length=10), nullable=False),
        sa.Column("start_offset", sa.Integer(), nullable=False),
        sa.Column("end_offset", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum(*KINDS, name="maskkind", native_enum=False, length=20), nullable=False),
        sa.Column("text_revision", sa.Integer(), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("redactor_version", sa.String(length=64), nullable=False),
        sa.Column("reviewer", sa.String(length=100), nullable=False),
        sa.Column("masked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reviewer_masks_report_id", "reviewer_masks", ["report_id"])
    op.create_index("ix_reviewer_masks_kind", "reviewer_masks", ["kind"])
    op.create_index("ix_reviewer_masks_redactor_version", "reviewer_masks", ["redactor_version"])
    _make_append_only("reviewer_masks")


def downgrade() -> None:
    _drop_append_only("reviewer_masks")
    op.drop_index("ix_reviewer_masks_redactor_version", table_name="reviewer_masks")
    op.drop_index("ix_reviewer_masks_kind", table_name="reviewer_masks")
    op.drop_index("ix_reviewer_masks_report_id", table_name="reviewer_masks")
    op.drop_table("reviewer_masks")
    with op.batch_alter_table("reports") as reports:
        reports.drop_column("text_revision")
        reports.drop_column("redactor_version")


def _make_append_only(table: str) -> None:
    """Refuse UPDATE and DELETE on `table` in the database itself (as 0001 does for the audit log)."""
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{table} is append-only'; END;
            $$ LANGUAGE plpgsql;
            CREATE TRIGGER {table}_no_update BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {table}_append_only();
            """
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def _drop_append_only(table: str) -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
