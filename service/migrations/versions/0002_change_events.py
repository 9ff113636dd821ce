"""The change feed: an append-only events table of changes to reports' outcomes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06 07:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.String(length=128), nullable=False),
        sa.Column(
            "field",
            sa.Enum(
                "category", "agency", "kelurahan", "duplicate_group", name="eventfield", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("from_value", sa.String(length=200), nullable=True),
        sa.Column("to_value", sa.String(length=200), nullable=True),
        sa.Column(
            "source", sa.Enum("auto", "reviewer", name="eventsource", native_enum=False, length=10), nullable=False
        ),
        sa.Column("reviewer", sa.String(length=100), nullable=True),
        sa.Column("reroute", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_events_report_id", "events", ["report_id"])
    _make_append_only("events")


def downgrade() -> None:
    _drop_append_only("events")
    op.drop_index("ix_events_report_id", table_name="events")
    op.drop_table("events")


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
