"""initial schema

Revision ID: 0001_initial
Revises: 
Create Date: 2026-11-24 19:00:53.315314
"""

from alembic import op
import sqlalchemy as sa


revision = '0001_initial'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agencies',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agencies')),
    sa.UniqueConstraint('key', name=op.f('uq_agencies_key')),
    sa.UniqueConstraint('uuid', name=op.f('uq_agencies_uuid'))
    )
    op.create_table('feedback_questions',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_feedback_questions'))
    )
    op.create_table('grading_scales',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grading_scales')),
    sa.UniqueConstraint('key', name=op.f('uq_grading_scales_key')),
    sa.UniqueConstraint('uuid', name=op.f('uq_grading_scales_uuid'))
    )
    op.create_table('settings',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    op.create_table('audit_templates',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('scale_id', sa.Integer(), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['scale_id'], ['grading_scales.id'], name=op.f('fk_audit_templates_scale_id_grading_scales')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_templates')),
    sa.UniqueConstraint('key', 'version', name=op.f('uq_audit_templates_key')),
    sa.UniqueConstraint('uuid', name=op.f('uq_audit_templates_uuid'))
    )
    op.create_table('scale_levels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scale_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('rank', sa.SmallInteger(), nullable=True),
    sa.Column('position', sa.SmallInteger(), nullable=False),
    sa.ForeignKeyConstraint(['scale_id'], ['grading_scales.id'], name=op.f('fk_scale_levels_scale_id_grading_scales'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scale_levels')),
    sa.UniqueConstraint('scale_id', 'key', name=op.f('uq_scale_levels_scale_id'))
    )
    op.create_table('teams',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('service_area', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_teams_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams')),
    sa.UniqueConstraint('key', name=op.f('uq_teams_key')),
    sa.UniqueConstraint('uuid', name=op.f('uq_teams_uuid'))
    )
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_teams_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_teams_name'), ['name'], unique=False)

    op.create_table('people',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('job_title', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_people_agency_id_agencies')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_people_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people')),
    sa.UniqueConstraint('key', name=op.f('uq_people_key')),
    sa.UniqueConstraint('uuid', name=op.f('uq_people_uuid'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_team_id'), ['team_id'], unique=False)

    op.create_table('programmes',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('theme', sa.String(length=200), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('sample_size', sa.Integer(), nullable=True),
    sa.Column('sample_seed', sa.Integer(), nullable=True),
    sa.Column('sample_filters', sa.JSON(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['template_id'], ['audit_templates.id'], name=op.f('fk_programmes_template_id_audit_templates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programmes')),
    sa.UniqueConstraint('key', name=op.f('uq_programmes_key')),
    sa.UniqueConstraint('uuid', name=op.f('uq_programmes_uuid'))
    )
    op.create_table('template_items',
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('limiting', sa.Boolean(), nullable=False),
    sa.Column('section', sa.String(length=200), nullable=False),
    sa.Column('guidance', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['template_id'], ['audit_templates.id'], name=op.f('fk_template_items_template_id_audit_templates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_template_items')),
    sa.UniqueConstraint('template_id', 'key', name=op.f('uq_template_items_template_id')),
    sa.UniqueConstraint('uuid', name=op.f('uq_template_items_uuid'))
    )
    with op.batch_alter_table('template_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_template_items_template_id'), ['template_id'], unique=False)

    op.create_table('briefings',
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.Column('theme', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('audience', sa.String(length=300), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['people.id'], name=op.f('fk_briefings_author_id_people')),
    sa.ForeignKeyConstraint(['previous_id'], ['briefings.id'], name=op.f('fk_briefings_previous_id_briefings')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_briefings_programme_id_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_briefings')),
    sa.UniqueConstraint('uuid', name=op.f('uq_briefings_uuid'))
    )
    with op.batch_alter_table('briefings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_briefings_programme_id'), ['programme_id'], unique=False)

    op.create_table('cases',
    sa.Column('ref', sa.String(length=40), nullable=False),
    sa.Column('initials', sa.String(length=8), nullable=False),
    sa.Column('case_type', sa.String(length=20), nullable=False),
    sa.Column('level_of_need', sa.SmallInteger(), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=True),
    sa.Column('manager_id', sa.Integer(), nullable=True),
    sa.Column('opened_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['manager_id'], ['people.id'], name=op.f('fk_cases_manager_id_people')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_cases_team_id_teams')),
    sa.ForeignKeyConstraint(['worker_id'], ['people.id'], name=op.f('fk_cases_worker_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('ref', name=op.f('uq_cases_ref')),
    sa.UniqueConstraint('uuid', name=op.f('uq_cases_uuid'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_case_type'), ['case_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_initials'), ['initials'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_level_of_need'), ['level_of_need'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_manager_id'), ['manager_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_worker_id'), ['worker_id'], unique=False)

    op.create_table('change_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_uuid', sa.String(length=36), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['people.id'], name=op.f('fk_change_log_actor_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_log'))
    )
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_log_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_log_at'), ['at'], unique=False)
        batch_op.create_index('ix_change_log_entity', ['entity', 'entity_uuid'], unique=False)

    op.create_table('person_roles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_person_roles_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_roles')),
    sa.UniqueConstraint('person_id', 'role', name=op.f('uq_person_roles_person_id'))
    )
    with op.batch_alter_table('person_roles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_roles_person_id'), ['person_id'], unique=False)

    op.create_table('audits',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('moderator_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('final_overall', sa.String(length=40), nullable=True),
    sa.Column('finalised_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_audits_case_id_cases')),
    sa.ForeignKeyConstraint(['moderator_id'], ['people.id'], name=op.f('fk_audits_moderator_id_people')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_audits_programme_id_programmes')),
    sa.ForeignKeyConstraint(['template_id'], ['audit_templates.id'], name=op.f('fk_audits_template_id_audit_templates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audits')),
    sa.UniqueConstraint('uuid', name=op.f('uq_audits_uuid'))
    )
    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audits_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audits_finalised_at'), ['finalised_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audits_moderator_id'), ['moderator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audits_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audits_status'), ['status'], unique=False)

    op.create_table('actions',
    sa.Column('audit_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('completed_by_id', sa.Integer(), nullable=True),
    sa.Column('completion_note', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_actions_audit_id_audits'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['completed_by_id'], ['people.id'], name=op.f('fk_actions_completed_by_id_people')),
    sa.ForeignKeyConstraint(['owner_id'], ['people.id'], name=op.f('fk_actions_owner_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actions')),
    sa.UniqueConstraint('uuid', name=op.f('uq_actions_uuid'))
    )
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actions_audit_id'), ['audit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_status'), ['status'], unique=False)

    op.create_table('feedback',
    sa.Column('audit_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('respondent', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('collected_on', sa.Date(), nullable=False),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('shareable', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_feedback_audit_id_audits'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_feedback_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback')),
    sa.UniqueConstraint('uuid', name=op.f('uq_feedback_uuid'))
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_audit_id'), ['audit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_case_id'), ['case_id'], unique=False)

    op.create_table('learning_points',
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('item_key', sa.String(length=60), nullable=True),
    sa.Column('in_briefing', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_learning_points_audit_id_audits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_points')),
    sa.UniqueConstraint('uuid', name=op.f('uq_learning_points_uuid'))
    )
    with op.batch_alter_table('learning_points', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_points_audit_id'), ['audit_id'], unique=False)

    op.create_table('moderations',
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('moderator_id', sa.Integer(), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('overall', sa.String(length=40), nullable=True),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('panel_summary', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_moderations_audit_id_audits'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['moderator_id'], ['people.id'], name=op.f('fk_moderations_moderator_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderations')),
    sa.UniqueConstraint('audit_id', name=op.f('uq_moderations_audit_id')),
    sa.UniqueConstraint('uuid', name=op.f('uq_moderations_uuid'))
    )
    with op.batch_alter_table('moderations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderations_moderator_id'), ['moderator_id'], unique=False)

    op.create_table('reviews',
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('part', sa.String(length=20), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('overall', sa.String(length=40), nullable=True),
    sa.Column('strengths', sa.Text(), nullable=False),
    sa.Column('worries', sa.Text(), nullable=False),
    sa.Column('next_steps', sa.Text(), nullable=False),
    sa.Column('return_comment', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_reviews_agency_id_agencies')),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_reviews_audit_id_audits'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['people.id'], name=op.f('fk_reviews_reviewer_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews')),
    sa.UniqueConstraint('uuid', name=op.f('uq_reviews_uuid'))
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviews_audit_id'), ['audit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reviews_reviewer_id'), ['reviewer_id'], unique=False)

    op.create_table('urgent_concerns',
    sa.Column('audit_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('raised_by_id', sa.Integer(), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('why_urgent', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('response', sa.Text(), nullable=False),
    sa.Column('responded_by_id', sa.Integer(), nullable=True),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_urgent_concerns_audit_id_audits')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_urgent_concerns_case_id_cases')),
    sa.ForeignKeyConstraint(['raised_by_id'], ['people.id'], name=op.f('fk_urgent_concerns_raised_by_id_people')),
    sa.ForeignKeyConstraint(['responded_by_id'], ['people.id'], name=op.f('fk_urgent_concerns_responded_by_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_urgent_concerns')),
    sa.UniqueConstraint('uuid', name=op.f('uq_urgent_concerns_uuid'))
    )
    with op.batch_alter_table('urgent_concerns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_urgent_concerns_audit_id'), ['audit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_urgent_concerns_case_id'), ['case_id'], unique=False)

    op.create_table('worker_feedback',
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('given_to_worker', sa.Boolean(), nullable=False),
    sa.Column('given_to_manager', sa.Boolean(), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=True),
    sa.Column('how', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_worker_feedback_audit_id_audits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('audit_id', name=op.f('pk_worker_feedback'))
    )
    op.create_table('feedback_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=60), nullable=False),
    sa.Column('answer', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback.id'], name=op.f('fk_feedback_answers_feedback_id_feedback'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_key'], ['feedback_questions.key'], name=op.f('fk_feedback_answers_question_key_feedback_questions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_answers')),
    sa.UniqueConstraint('feedback_id', 'question_key', name=op.f('uq_feedback_answers_feedback_id'))
    )
    op.create_table('learning_themes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learning_point_id', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['learning_point_id'], ['learning_points.id'], name=op.f('fk_learning_themes_learning_point_id_learning_points'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_themes')),
    sa.UniqueConstraint('learning_point_id', 'theme', name=op.f('uq_learning_themes_learning_point_id'))
    )
    with op.batch_alter_table('learning_themes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_themes_learning_point_id'), ['learning_point_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_learning_themes_theme'), ['theme'], unique=False)

    op.create_table('moderation_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('moderation_id', sa.Integer(), nullable=False),
    sa.Column('item_key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.Text(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['moderation_id'], ['moderations.id'], name=op.f('fk_moderation_answers_moderation_id_moderations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_answers')),
    sa.UniqueConstraint('moderation_id', 'item_key', name=op.f('uq_moderation_answers_moderation_id'))
    )
    op.create_table('review_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('item_key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.Text(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_review_answers_review_id_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_answers')),
    sa.UniqueConstraint('review_id', 'item_key', name=op.f('uq_review_answers_review_id'))
    )


def downgrade() -> None:
    op.drop_table('review_answers')
    op.drop_table('moderation_answers')
    with op.batch_alter_table('learning_themes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_themes_theme'))
        batch_op.drop_index(batch_op.f('ix_learning_themes_learning_point_id'))

    op.drop_table('learning_themes')
    op.drop_table('feedback_answers')
    op.drop_table('worker_feedback')
    with op.batch_alter_table('urgent_concerns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_urgent_concerns_case_id'))
        batch_op.drop_index(batch_op.f('ix_urgent_concerns_audit_id'))

    op.drop_table('urgent_concerns')
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviews_reviewer_id'))
        batch_op.drop_index(batch_op.f('ix_reviews_audit_id'))

    op.drop_table('reviews')
    with op.batch_alter_table('moderations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderations_moderator_id'))

    op.drop_table('moderations')
    with op.batch_alter_table('learning_points', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_points_audit_id'))

    op.drop_table('learning_points')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_case_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_audit_id'))

    op.drop_table('feedback')
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actions_status'))
        batch_op.drop_index(batch_op.f('ix_actions_owner_id'))
        batch_op.drop_index(batch_op.f('ix_actions_due_on'))
        batch_op.drop_index(batch_op.f('ix_actions_audit_id'))

    op.drop_table('actions')
    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audits_status'))
        batch_op.drop_index(batch_op.f('ix_audits_programme_id'))
        batch_op.drop_index(batch_op.f('ix_audits_moderator_id'))
        batch_op.drop_index(batch_op.f('ix_audits_finalised_at'))
        batch_op.drop_index(batch_op.f('ix_audits_case_id'))

    op.drop_table('audits')
    with op.batch_alter_table('person_roles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_roles_person_id'))

    op.drop_table('person_roles')
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.drop_index('ix_change_log_entity')
        batch_op.drop_index(batch_op.f('ix_change_log_at'))
        batch_op.drop_index(batch_op.f('ix_change_log_actor_id'))

    op.drop_table('change_log')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_worker_id'))
        batch_op.drop_index(batch_op.f('ix_cases_team_id'))
        batch_op.drop_index(batch_op.f('ix_cases_manager_id'))
        batch_op.drop_index(batch_op.f('ix_cases_level_of_need'))
        batch_op.drop_index(batch_op.f('ix_cases_initials'))
        batch_op.drop_index(batch_op.f('ix_cases_case_type'))

    op.drop_table('cases')
    with op.batch_alter_table('briefings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_briefings_programme_id'))

    op.drop_table('briefings')
    with op.batch_alter_table('template_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_template_items_template_id'))

    op.drop_table('template_items')
    op.drop_table('programmes')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_team_id'))
        batch_op.drop_index(batch_op.f('ix_people_name'))
        batch_op.drop_index(batch_op.f('ix_people_agency_id'))

    op.drop_table('people')
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_teams_name'))
        batch_op.drop_index(batch_op.f('ix_teams_agency_id'))

    op.drop_table('teams')
    op.drop_table('scale_levels')
    op.drop_table('audit_templates')
    op.drop_table('settings')
    op.drop_table('grading_scales')
    op.drop_table('feedback_questions')
    op.drop_table('agencies')
