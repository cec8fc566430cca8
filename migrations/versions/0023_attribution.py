"""Attribution that follows consent, and a report that says who wrote and funded it

- findings: `verbatim` (recorded as said), `attribution` (how a report may name the source) and
  `source_reference` (the place in a written source a finding summarises). Existing findings
  keep printing as before: a quote with a contributor is verbatim and attributed by pseudonym.
- organisations: the recorded consent to be named (the day, and who gave it).
- contributors: `sample` (a made-up person, demo and training data).
- activities: the type "sample" (a fictional example) joins the known types.
- reports: author organisation, funder's line, emblem with its alternative text, disclaimer and
  keywords, per language; boxes: unnumbered boxes and boxes placed after a recommendation.
- good examples: their source.

On SQLite the findings columns are added with ALTER TABLE ... ADD COLUMN, not by a batch
rebuild (which would drop the FTS5 triggers, see 0019); the other rebuilt tables are rebuilt
with foreign keys off, as in 0016.

Revision ID: 0023_attribution
Revises: 0022_reader_languages
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

revision = "0023_attribution"
down_revision = "0022_reader_languages"
branch_labels = None
depends_on = None

ATTRIBUTIONS = ("stakeholder_type", "organisation", "pseudonym", "none")
OLD_TYPES = ("kickoff", "ln_meeting", "consultation", "maab", "exchange", "taking_stock", "field_test", "literature")
NEW_TYPES = (*OLD_TYPES, "sample")
REPORT_COLUMNS = (("author_organisation", sa.String(300)), ("funder_notice", sa.String(300)),
                  ("emblem_alt", sa.String(300)), ("disclaimer", sa.Text()), ("keywords", sa.String(500)))


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _foreign_keys(enabled: bool) -> None:
    if _sqlite():
        op.execute(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")


def _in(values) -> str:
    return ", ".join(f"'{value}'" for value in values)


def upgrade():
    _foreign_keys(False)
    attribution_check = f"attribution IN ({_in(ATTRIBUTIONS)})"
    if _sqlite():
        op.execute("ALTER TABLE findings ADD COLUMN verbatim BOOLEAN DEFAULT '0' NOT NULL")
        op.execute("ALTER TABLE findings ADD COLUMN attribution VARCHAR(20) DEFAULT 'stakeholder_type' NOT NULL "
                   f"CONSTRAINT ck_findings_known_attribution CHECK ({attribution_check})")
        op.execute("ALTER TABLE findings ADD COLUMN source_reference VARCHAR(300) DEFAULT '' NOT NULL")
    else:
        op.add_column("findings", sa.Column("verbatim", sa.Boolean(), server_default="0", nullable=False))
        op.add_column("findings", sa.Column("attribution", sa.String(20), server_default="stakeholder_type",
                                            nullable=False))
        op.add_column("findings", sa.Column("source_reference", sa.String(300), server_default="", nullable=False))
        op.create_check_constraint(op.f("ck_findings_known_attribution"), "findings", attribution_check)
    findings = sa.table("findings", sa.column("kind", sa.String), sa.column("contributor_id", sa.Integer),
                        sa.column("verbatim", sa.Boolean), sa.column("attribution", sa.String))
    # What printed as a quote before (a quote with a contributor) still does, under the pseudonym.
    op.get_bind().execute(findings.update().where(findings.c.contributor_id.is_not(None))
                          .values(attribution="pseudonym"))
    op.get_bind().execute(findings.update().where(findings.c.contributor_id.is_not(None),
                                                  findings.c.kind == "quote").values(verbatim=True))

    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_consent_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("name_consent_by", sa.String(200), server_default="", nullable=False))
    with op.batch_alter_table("contributors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sample", sa.Boolean(), server_default="0", nullable=False))
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_activities_known_type"), type_="check")
        batch_op.create_check_constraint(op.f("ck_activities_known_type"), f"type IN ({_in(NEW_TYPES)})")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        for name, type_ in REPORT_COLUMNS:
            for language in ("nl", "en"):
                batch_op.add_column(sa.Column(f"{name}_{language}", type_, server_default="", nullable=False))
        batch_op.add_column(sa.Column("emblem", sa.String(40), nullable=True))
    with op.batch_alter_table("report_boxes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recommendation_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("numbered", sa.Boolean(), server_default="1", nullable=False))
        batch_op.create_index(batch_op.f("ix_report_boxes_recommendation_id"), ["recommendation_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_report_boxes_recommendation_id_recommendations"),
                                    "recommendations", ["recommendation_id"], ["id"], ondelete="SET NULL")
    with op.batch_alter_table("good_examples", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.Text(), server_default="", nullable=False))
    _foreign_keys(True)


def downgrade():
    _foreign_keys(False)
    with op.batch_alter_table("good_examples", schema=None) as batch_op:
        batch_op.drop_column("source")
    with op.batch_alter_table("report_boxes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_report_boxes_recommendation_id_recommendations"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_report_boxes_recommendation_id"))
        batch_op.drop_column("numbered")
        batch_op.drop_column("recommendation_id")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_column("emblem")
        for name, _type in REPORT_COLUMNS:
            for language in ("nl", "en"):
                batch_op.drop_column(f"{name}_{language}")
    op.execute("DELETE FROM activities WHERE type = 'sample'")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_activities_known_type"), type_="check")
        batch_op.create_check_constraint(op.f("ck_activities_known_type"), f"type IN ({_in(OLD_TYPES)})")
    with op.batch_alter_table("contributors", schema=None) as batch_op:
        batch_op.drop_column("sample")
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_column("name_consent_by")
        batch_op.drop_column("name_consent_on")
    if _sqlite():
        # SQLite drops a column with a CHECK only by rebuilding the table: the FTS5 triggers go
        # first and come back after (they index every finding again), foreign keys are off.
        from webapp.analysis.fts import CREATE_STATEMENTS, DROP_STATEMENTS

        for statement in DROP_STATEMENTS:
            op.execute(statement)
        with op.batch_alter_table("findings", schema=None, recreate="always") as batch_op:
            batch_op.drop_constraint(op.f("ck_findings_known_attribution"), type_="check")
            batch_op.drop_column("source_reference")
            batch_op.drop_column("attribution")
            batch_op.drop_column("verbatim")
        for statement in CREATE_STATEMENTS:
            op.execute(statement)
    else:
        op.drop_constraint(op.f("ck_findings_known_attribution"), "findings", type_="check")
        op.drop_column("findings", "source_reference")
        op.drop_column("findings", "attribution")
        op.drop_column("findings", "verbatim")
    _foreign_keys(True)
