"""Projects: every activity, finding, survey, report, ... belongs to one project

An existing database moves into one project, "LEARN" (slug `learn`), without losing a row:
each owned table gets `project_id` filled with it, codes and numbers become unique per
project, and every non-admin user becomes a member of LEARN with the role they had.

Revision ID: 0016_projects
Revises: 0015_report_publishing
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa

import webapp.db_types  # custom column types used by the models
from webapp.analysis.fts import CREATE_STATEMENTS, DROP_STATEMENTS

revision = "0016_projects"
down_revision = "0015_report_publishing"
branch_labels = None
depends_on = None

#: table -> (unique constraint that becomes per project, its columns) or None
OWNED = {
    "activities": ("uq_activities_type_number", "uq_activities_project_type_number", ["type", "number"]),
    "contributors": ("uq_contributors_kind_pseudonym_number", "uq_contributors_project_kind_pseudonym_number",
                     ["kind", "pseudonym_number"]),
    "themes": ("uq_themes_code", "uq_themes_project_code", ["code"]),
    "good_examples": ("uq_good_examples_title_en", "uq_good_examples_project_title_en", ["title_en"]),
    "reports": ("uq_reports_key", "uq_reports_project_key", ["key"]),
    "report_sources": ("uq_report_sources_key", "uq_report_sources_project_key", ["key"]),
    "findings": None,
    "surveys": None,
    "review_rounds": None,
}


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _foreign_keys(enabled: bool) -> None:
    # SQLite rebuilds a table in batch mode by dropping the old one; with foreign keys on,
    # that drop would first delete (or cascade from) every row referencing it.
    if _sqlite():
        op.execute(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")


def upgrade():
    _foreign_keys(False)
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=60), nullable=False),
        sa.Column("name_nl", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("description_nl", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("lead_organisation_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", webapp.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on",
                           name=op.f("ck_projects_ends_after_start")),
        sa.CheckConstraint("status IN ('active', 'closed', 'archived')", name=op.f("ck_projects_known_status")),
        sa.ForeignKeyConstraint(["lead_organisation_id"], ["organisations.id"],
                                name=op.f("fk_projects_lead_organisation_id_organisations"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("slug", name=op.f("uq_projects_slug")),
    )
    op.create_table(
        "project_memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("created_at", webapp.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('author', 'facilitator', 'advisor', 'reviewer')",
                           name=op.f("ck_project_memberships_known_role")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_project_memberships_project_id_projects"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_project_memberships_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_memberships")),
        sa.UniqueConstraint("project_id", "user_id", name="uq_project_memberships_project_user"),
    )
    with op.batch_alter_table("project_memberships", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_memberships_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_memberships_user_id"), ["user_id"], unique=False)

    connection = op.get_bind()
    now = webapp.db_types.utcnow()
    projects = sa.table("projects", sa.column("id", sa.Integer), sa.column("slug", sa.String),
                        sa.column("name_nl", sa.String), sa.column("name_en", sa.String),
                        sa.column("description_nl", sa.Text), sa.column("description_en", sa.Text),
                        sa.column("status", sa.String), sa.column("created_at", webapp.db_types.UTCDateTime))
    connection.execute(projects.insert().values(
        slug="learn", name_nl="LEARN", name_en="LEARN", status="active", created_at=now,
        description_nl="Lerend netwerk voor arbeidsparticipatie van statushouders.",
        description_en="Learning network for the labour participation of permit holders."))
    learn_id = connection.scalar(sa.select(projects.c.id).where(projects.c.slug == "learn"))

    if _sqlite():
        for statement in DROP_STATEMENTS:  # the findings rebuild would lose the FTS5 triggers
            op.execute(statement)
    for table, unique in OWNED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("project_id", sa.Integer(), nullable=True))
        connection.execute(sa.table(table, sa.column("project_id", sa.Integer)).update().values(project_id=learn_id))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("project_id", existing_type=sa.Integer(), nullable=False)
            batch_op.create_index(batch_op.f(f"ix_{table}_project_id"), ["project_id"], unique=False)
            batch_op.create_foreign_key(batch_op.f(f"fk_{table}_project_id_projects"), "projects", ["project_id"],
                                        ["id"], ondelete="RESTRICT")
            if unique:
                old, new, columns = unique
                batch_op.drop_constraint(old, type_="unique")
                batch_op.create_unique_constraint(new, ["project_id", *columns])
    if _sqlite():
        for statement in CREATE_STATEMENTS:  # and "rebuild" indexes every finding again
            op.execute(statement)

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_project_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_users_last_project_id_projects"), "projects", ["last_project_id"],
                                    ["id"], ondelete="SET NULL")
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("role", sa.String))
    memberships = sa.table("project_memberships", sa.column("project_id", sa.Integer), sa.column("user_id", sa.Integer),
                           sa.column("role", sa.String), sa.column("created_at", webapp.db_types.UTCDateTime))
    rows = connection.execute(sa.select(users.c.id, users.c.role).where(users.c.role != "admin")).all()
    if rows:
        connection.execute(memberships.insert(), [
            {"project_id": learn_id, "user_id": row.id, "role": row.role, "created_at": now} for row in rows])
    _foreign_keys(True)


def downgrade():
    """Back to one register: only possible while the database holds one project."""
    _foreign_keys(False)
    connection = op.get_bind()
    if connection.scalar(sa.text("SELECT count(*) FROM projects")) > 1:
        raise RuntimeError("More than one project: export the others first (flask projects export).")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_users_last_project_id_projects"), type_="foreignkey")
        batch_op.drop_column("last_project_id")
    if _sqlite():
        for statement in DROP_STATEMENTS:
            op.execute(statement)
    for table, unique in OWNED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            if unique:
                old, new, columns = unique
                batch_op.drop_constraint(new, type_="unique")
                batch_op.create_unique_constraint(old, columns)
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_project_id_projects"), type_="foreignkey")
            batch_op.drop_index(batch_op.f(f"ix_{table}_project_id"))
            batch_op.drop_column("project_id")
    if _sqlite():
        for statement in CREATE_STATEMENTS:
            op.execute(statement)
    op.drop_table("project_memberships")
    op.drop_table("projects")
    _foreign_keys(True)
