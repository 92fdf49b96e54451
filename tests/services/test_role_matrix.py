"""Every service operation, called as every role: allowed or refused by the service layer.

The expected outcome comes from actors.PERMISSIONS, narrowed where a rule or the agency scope
says more (an audit's own auditor or moderator, a draft briefing, another agency's audit). A
refusal is a PermissionDenied (NotFound for a record outside the scope, as if it did not exist)
and changes nothing. The world is built once per backend; an allowed write runs on a fresh copy
of it, so that every test starts from the same state.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

import audit_tool.access
import audit_tool.services
from audit_tool.access.actors import PERMISSIONS, Actor
from audit_tool.errors import NotFound, PermissionDenied, ValidationError
from audit_tool.reporting import drilldown
from audit_tool.reporting import report as reports
from audit_tool.services import (
    accounts,
    audit_screen,
    audits,
    briefings,
    case_export,
    case_fields,
    case_import,
    cases,
    changelog,
    changelog_words,
    checkin,
    checkout,
    claims,
    cohorts,
    demo,
    feedback,
    learning,
    learning_actions,
    learning_export,
    mail,
    monthly,
    monthly_compliance,
    monthly_draw,
    my_work,
    notices,
    packs,
    programmes,
    reference,
    report_editions,
    report_export,
    report_story,
    retention,
    settings,
    templates,
    worker_feedback,
    worker_sheet,
)
from audit_tool.services.cases import CaseInput, CaseQuery
from audit_tool.services.feedback import FeedbackFilter
from audit_tool.services.learning import LearningFilter
from audit_tool.services.programmes import SampleFilters
from audit_tool.services.templates import ItemInput
from audit_tool.store import Database
from tests.services import role_ops_complaints, role_world
from tests.services.role_world import (
    EDITION_BEFORE,
    EDITION_NOW,
    GOOD,
    PROGRAMME,
    ROLES,
    TEMPLATE,
    Matrix,
    RoleWorld,
    conversation,
)

# Public functions that take an actor but are not operations a user calls.
NOT_OPERATIONS = {
    "actors.require": "the check itself",
    "audits.reading.audit_view": "builds the view inside a service's own session",
    "audits.reading.blind_for": "a rule the services and packs apply (blindness)",
    "audits.reading.check_can_view": "a check inside a service's own session",
    "audits.reading.check_takes_part": "a check inside a service's own session",
    "audits.reading.is_moderator": "a rule the moderation services apply",
    "briefings.editing.editable_briefing": "a check inside a service's own transaction",
    "briefings.records.check_visible": "a check inside a service's own session",
    "audit_extras.audit_for": "a helper inside a service's own session",
    "audits.concerns.concern_rows": "reads inside the caller's session (audit_screen)",
    "feedback.feedback_rows": "reads inside the caller's session (audit_screen)",
    "learning.learning_rows": "reads inside the caller's session (audit_screen)",
    "learning_actions.action_rows": "reads inside the caller's session (audit_screen)",
    "audit_extras.visible_to": "a helper inside a service's own session",
    "audit_extras.check_author": "a helper inside a service's own session",
    "audit_extras.blind_filter": "a SQL condition the list services add",
    "audit_extras.scope_filter": "a SQL condition the list services add",
    "changelog.record": "writes inside the caller's transaction",
    "changelog.record_changes": "writes inside the caller's transaction",
    "cases.add_case": "writes inside the caller's transaction (create_case, import_cases)",
    "scope.sees_all": "the scoping helper",
    "scope.visible_audit_ids": "the scoping helper",
    "scope.audit_in_scope": "the scoping helper",
    "scope.case_in_scope": "the scoping helper",
    "scope.can_see_audit": "the scoping helper",
    "scope.can_see_case": "the scoping helper",
    "accounts.reauthenticate": "the acting user's own password is the check",
    "accounts.change_own_password": "the acting user's own password is the check",
    "claims.release": "the holding app's secret token is the check (the screen closing)",
    "conflicts.check_revision": "a check inside the caller's transaction",
    "conflicts.conflict": "builds the error inside the caller's transaction",
    "conflicts.conflict_after_rollback": "builds the error after the caller's rollback",
    "conflicts.guard": "wraps the caller's transaction",
    "report.final_audits_in": "a scoped query the reporting services run in their own session",
    "pack_rights.check": "the rights check inside import_pack's own transaction",
    "programmes.assign_audit": "assigns inside the caller's transaction (assign, monthly draw)",
    "reference.grantable_roles": "a pure rule on the actor's own permissions (no data read)",
    "scope.complaint_in_scope": "the scoping helper",
    "scope.can_see_complaint": "the scoping helper",
    "scope.agency_in_scope": "the scoping helper",
    "scope.can_see_agency_record": "the scoping helper",
    "complaints.rules.check_may_record": "a check inside a service's own transaction",
    "complaints.rules.visible_complaint": "a check inside a service's own session",
    "complaints.records.check": "a check inside a service's own transaction (and the import's)",
}
REPORTING = (drilldown, reports)
TODAY = date.today()
FROM, TO = date(2020, 1, 1), TODAY + timedelta(days=1)


def roles(operation: str) -> frozenset[str]:
    return frozenset(r for r in ROLES if r in PERMISSIONS[operation])


ALL = frozenset(ROLES)
LEAD = frozenset({"lead"})


@dataclass(frozen=True)
class Op:
    name: str
    func: Callable[..., Any]
    call: Callable[[Database, Actor, RoleWorld, Path], Any]
    allowed: frozenset[str]
    write: bool = False
    hidden: bool = False  # out of scope for some roles: refused as not found
    stopped_by: type[Exception] | None = None  # allowed, then stopped by a domain rule
    logged: bool = True  # an allowed write adds to the change log

    def __str__(self) -> str:
        return self.name


def _csv(tmp: Path) -> Path:
    path = tmp / "cases.csv"
    path.write_text(
        "Case reference,Initials,Case type,Level of need,Team,Worker,Opened\n"
        "CA10,QR,cin,3,team_a,worker_a,2026-01-05\n",
        encoding="utf-8",
    )
    return path


def _case_input(ref: str, level: int = 2) -> CaseInput:
    return CaseInput(ref=ref, initials="ZZ", case_type="cp", team="team_a", level_of_need=level)


def _a(w: RoleWorld, name: str) -> str:
    return w.audits[name]


def _r(w: RoleWorld, name: str) -> str:
    return w.records[name]


DUE = TODAY + timedelta(days=20)

OPS: list[Op] = [
    # ---- cases
    Op(
        "cases.count_cases",
        cases.count_cases,
        lambda d, a, w, t: cases.count_cases(d, a, CaseQuery()),
        roles("case.view"),
    ),
    Op(
        "cases.list_cases",
        cases.list_cases,
        lambda d, a, w, t: cases.list_cases(d, a, CaseQuery()),
        roles("case.view"),
    ),
    Op(
        "cases.get_case",
        cases.get_case,
        lambda d, a, w, t: cases.get_case(d, a, "CA1"),
        roles("case.view"),
    ),
    Op(
        "cases.get_case(other agency)",
        cases.get_case,
        lambda d, a, w, t: cases.get_case(d, a, "CB1"),
        LEAD,
        hidden=True,
    ),
    Op(
        "cases.get_case(assigned, other agency)",
        cases.get_case,
        lambda d, a, w, t: cases.get_case(d, a, "CB2"),
        frozenset({"auditor", "lead"}),
        hidden=True,
    ),
    Op(
        "cases.case_audit_count",
        cases.case_audit_count,
        lambda d, a, w, t: cases.case_audit_count(d, a, "CA1"),
        roles("case.view"),
    ),
    Op(
        "cases.create_case",
        cases.create_case,
        lambda d, a, w, t: cases.create_case(d, a, _case_input("CA9")),
        roles("case.edit"),
        write=True,
    ),
    Op(
        "cases.update_case",
        cases.update_case,
        lambda d, a, w, t: cases.update_case(d, a, "CA5", _case_input("CA5")),
        roles("case.edit"),
        write=True,
    ),
    Op(
        "cases.delete_case",
        cases.delete_case,
        lambda d, a, w, t: cases.delete_case(d, a, "CA5"),
        roles("case.edit"),
        write=True,
    ),
    Op(
        "case_export.export_cases",
        case_export.export_cases,
        lambda d, a, w, t: case_export.export_cases(d, a, CaseQuery(), t / "cases.csv"),
        roles("case.export"),
    ),
    Op(
        "case_import.read_and_validate",
        case_import.read_and_validate,
        lambda d, a, w, t: case_import.read_and_validate(d, a, _csv(t)),
        roles("case.import"),
    ),
    Op(
        "case_import.import_cases",
        case_import.import_cases,
        lambda d, a, w, t: case_import.import_cases(d, a, _csv(t)),
        roles("case.import"),
        write=True,
    ),
    # ---- case fields and cohort rules
    Op(
        "case_fields.list_case_fields",
        case_fields.list_case_fields,
        lambda d, a, w, t: case_fields.list_case_fields(d, a),
        roles("reference.view"),
    ),
    Op(
        "case_fields.save_case_field",
        case_fields.save_case_field,
        lambda d, a, w, t: case_fields.save_case_field(
            d, a, key="pathway", label="Pathway", kind="choice", options=["RED", "AMBER"]
        ),
        roles("reference.edit"),
        write=True,
    ),
    Op(
        "case_fields.delete_case_field",
        case_fields.delete_case_field,
        lambda d, a, w, t: case_fields.delete_case_field(d, a, "spare_field"),
        roles("reference.edit"),
        write=True,
    ),
    Op(
        "case_fields.case_values",
        case_fields.case_values,
        lambda d, a, w, t: case_fields.case_values(d, a, "CA1"),
        roles("case.view"),
    ),
    Op(
        "case_fields.case_values(other agency)",
        case_fields.case_values,
        lambda d, a, w, t: case_fields.case_values(d, a, "CB1"),
        LEAD,
        hidden=True,
    ),
    Op(
        "cohorts.check_cohort",
        cohorts.check_cohort,
        lambda d, a, w, t: cohorts.check_cohort(d, a, "age 11-17"),
        roles("programme.view"),
    ),
    # ---- reference data, templates, settings
    Op(
        "reference.list_agencies",
        reference.list_agencies,
        lambda d, a, w, t: reference.list_agencies(d, a),
        roles("reference.view"),
    ),
    Op(
        "reference.list_teams",
        reference.list_teams,
        lambda d, a, w, t: reference.list_teams(d, a),
        roles("reference.view"),
    ),
    Op(
        "reference.list_people",
        reference.list_people,
        lambda d, a, w, t: reference.list_people(d, a),
        roles("reference.view"),
    ),
    Op(
        "reference.save_agency",
        reference.save_agency,
        lambda d, a, w, t: reference.save_agency(d, a, key="health", name="Health"),
        roles("reference.edit"),
        write=True,
    ),
    Op(
        "reference.save_team",
        reference.save_team,
        lambda d, a, w, t: reference.save_team(d, a, key="team_c", name="Team C", agency_key="csc"),
        roles("reference.edit"),
        write=True,
    ),
    Op(
        "reference.save_person",
        reference.save_person,
        lambda d, a, w, t: reference.save_person(
            d, a, key="new1", name="Nia New", agency_key="csc", roles=["auditor"]
        ),
        roles("reference.edit"),
        write=True,
    ),
    Op(
        "reference.delete_agency",
        reference.delete_agency,
        lambda d, a, w, t: reference.delete_agency(d, a, "spare"),
        roles("reference.edit"),
        write=True,
    ),
    Op(
        "reference.delete_team",
        reference.delete_team,
        lambda d, a, w, t: reference.delete_team(d, a, "team_spare"),
        roles("reference.edit"),
        write=True,
    ),
    Op(
        "reference.delete_person",
        reference.delete_person,
        lambda d, a, w, t: reference.delete_person(d, a, "spare1"),
        roles("reference.edit"),
        write=True,
    ),
    Op(
        "templates.list_templates",
        templates.list_templates,
        lambda d, a, w, t: templates.list_templates(d, a),
        roles("template.view"),
    ),
    Op(
        "templates.get_template",
        templates.get_template,
        lambda d, a, w, t: templates.get_template(d, a, TEMPLATE),
        roles("template.view"),
    ),
    Op(
        "templates.list_scales",
        templates.list_scales,
        lambda d, a, w, t: templates.list_scales(d, a),
        roles("template.view"),
    ),
    Op(
        "templates.save_template",
        templates.save_template,
        lambda d, a, w, t: templates.save_template(
            d,
            a,
            key="another",
            name="Another",
            kind="single",
            items=[ItemInput("plans", "Plans", "grade")],
        ),
        roles("template.edit"),
        write=True,
    ),
    Op(
        "templates.retire_template",
        templates.retire_template,
        lambda d, a, w, t: templates.retire_template(d, a, "spare_template"),
        roles("template.edit"),
        write=True,
    ),
    Op(
        "templates.save_scale",
        templates.save_scale,
        lambda d, a, w, t: templates.save_scale(
            d, a, key="three", name="Three levels", levels=["High", "Medium", "Low"]
        ),
        roles("template.edit"),
        write=True,
    ),
    Op(
        "settings.partnership",
        settings.partnership,
        lambda d, a, w, t: settings.partnership(d, a),
        roles("reference.view"),
    ),
    Op(
        "mail.mail_settings",
        mail.mail_settings,
        lambda d, a, w, t: mail.mail_settings(d, a),
        roles("reference.edit"),
    ),
    Op(
        "mail.save_mail_settings",
        mail.save_mail_settings,
        lambda d, a, w, t: mail.save_mail_settings(
            d, a, host="relay.example.org", port=587, tls=True, sender="audit@example.org"
        ),
        roles("reference.edit"),
        write=True,
    ),
    Op(
        "mail.set_email",
        mail.set_email,
        lambda d, a, w, t: mail.set_email(d, a, "aud_a1", "someone@example.org"),
        roles("reference.edit"),
        write=True,
    ),
    Op(
        "settings.save_partnership",
        settings.save_partnership,
        lambda d, a, w, t: settings.save_partnership(
            d, a, name="Test Partnership", installation_name="Laptop 1", logo=None
        ),
        roles("reference.edit"),
        write=True,
    ),
    Op(
        "changelog.entries",
        changelog.entries,
        lambda d, a, w, t: changelog.entries(d, a),
        roles("changelog.view"),
    ),
    Op(
        "changelog_words.describe",
        changelog_words.describe,
        lambda d, a, w, t: changelog_words.describe(
            d, a, changelog.entries(d, Actor.system("matrix"), limit=1)[0]
        ),
        roles("changelog.view"),
    ),
    Op(
        "changelog.count_matching",
        changelog.count_matching,
        lambda d, a, w, t: changelog.count_matching(d, a),
        roles("changelog.view"),
    ),
    Op(
        "changelog.choices",
        changelog.choices,
        lambda d, a, w, t: changelog.choices(d, a),
        roles("changelog.view"),
    ),
    Op(
        "changelog.audit_record_uuids",
        changelog.audit_record_uuids,
        lambda d, a, w, t: changelog.audit_record_uuids(d, a, _a(w, "review")),
        roles("changelog.view"),
    ),
    Op(
        "changelog.audit_history",
        changelog.audit_history,
        lambda d, a, w, t: changelog.audit_history(d, a, _a(w, "review")),
        roles("changelog.view"),
    ),
    Op(
        "demo.builder.generate",
        demo.generate,
        lambda d, a, w, t: demo.generate(d, a, audits=1),
        roles("demo.generate"),
        stopped_by=ValidationError,
    ),
    Op(
        "accounts.list_accounts",
        accounts.list_accounts,
        lambda d, a, w, t: accounts.list_accounts(d, a),
        LEAD,
    ),
    Op(
        "accounts.create_account",
        accounts.create_account,
        lambda d, a, w, t: accounts.create_account(d, a, person_key="aud_a2", username="abe"),
        LEAD,
        write=True,
    ),
    Op(
        "accounts.set_active",
        accounts.set_active,
        lambda d, a, w, t: accounts.set_active(d, a, "bea", False),
        LEAD,
        write=True,
    ),
    Op(
        "accounts.reset_password",
        accounts.reset_password,
        lambda d, a, w, t: accounts.reset_password(d, a, "bea"),
        LEAD,
        write=True,
    ),
    Op("retention.plan", retention.plan, lambda d, a, w, t: retention.plan(d, a), LEAD),
    # Team server: check-out is the auditor's own; claims are the audit's moderator's.
    Op(
        "checkout.candidates",
        checkout.candidates,
        lambda d, a, w, t: checkout.candidates(d, a),
        roles("audit.review"),
    ),
    Op(
        "checkout.checkout",
        checkout.checkout,
        lambda d, a, w, t: checkout.checkout(d, a, t / "offline.sqlite"),
        roles("audit.review"),
        write=True,
    ),
    Op(
        "checkin.checkin",
        checkin.checkin,
        lambda d, a, w, t: checkin.checkin(d, a, t / "no-such-file.sqlite"),
        roles("audit.review"),
        stopped_by=ValidationError,  # allowed; the file is not there
    ),
    Op(
        "claims.claim",
        claims.claim,
        lambda d, a, w, t: claims.claim(d, a, "moderation", _a(w, "moderation"), "token-m"),
        roles("audit.moderate"),
        write=True,
        logged=False,  # a claim is not a record of work
    ),
    Op(
        "claims.renew",
        claims.renew,
        lambda d, a, w, t: claims.renew(d, a, "moderation", _a(w, "moderation"), "token-m"),
        roles("audit.moderate"),
        write=True,
        logged=False,
    ),
    Op(
        "retention.apply",
        retention.apply,
        lambda d, a, w, t: retention.apply(d, a),
        LEAD,
        write=True,
    ),
    Op(
        "retention.set_retention_years",
        retention.set_retention_years,
        lambda d, a, w, t: retention.set_retention_years(d, a, 8),
        LEAD,
        write=True,
    ),
    # ---- programmes
    Op(
        "programmes.list_programmes",
        programmes.list_programmes,
        lambda d, a, w, t: programmes.list_programmes(d, a),
        roles("programme.view"),
    ),
    Op(
        "programmes.get_programme",
        programmes.get_programme,
        lambda d, a, w, t: programmes.get_programme(d, a, PROGRAMME),
        roles("programme.view"),
    ),
    Op(
        "programmes.candidate_cases",
        programmes.candidate_cases,
        lambda d, a, w, t: programmes.candidate_cases(d, a, SampleFilters()),
        roles("programme.view"),
    ),
    Op(
        "programmes.list_assignments",
        programmes.list_assignments,
        lambda d, a, w, t: programmes.list_assignments(d, a, PROGRAMME),
        roles("programme.view"),
    ),
    Op(
        "programmes.monthly_compliance",
        programmes.monthly_compliance,
        lambda d, a, w, t: programmes.monthly_compliance(d, a, date(2026, 1, 1)),
        roles("programme.view"),
    ),
    Op(
        "programmes.save_programme",
        programmes.save_programme,
        lambda d, a, w, t: programmes.save_programme(
            d,
            a,
            key="p2",
            name="Second",
            kind="thematic",
            theme="neglect",
            template_key=TEMPLATE,
            starts_on=date(2026, 2, 1),
            due_on=date(2026, 3, 1),
        ),
        roles("programme.edit"),
        write=True,
    ),
    Op(
        "programmes.draw_sample",
        programmes.draw_sample,
        lambda d, a, w, t: programmes.draw_sample(d, a, PROGRAMME, SampleFilters(), 1, seed=7),
        roles("programme.edit"),
        write=True,
    ),
    Op(
        "programmes.add_audits",
        programmes.add_audits,
        lambda d, a, w, t: programmes.add_audits(d, a, PROGRAMME, ["CA5"]),
        roles("audit.assign"),
        write=True,
    ),
    Op(
        "programmes.check_refs",
        programmes.check_refs,
        lambda d, a, w, t: programmes.check_refs(d, a, PROGRAMME, ["CA5", "NOPE"]),
        roles("audit.assign"),
    ),
    Op(
        "programmes.assign",
        programmes.assign,
        lambda d, a, w, t: programmes.assign(
            d, a, _a(w, "draft"), reviewers=["aud_a1", "aud_a2"], moderator="mod_a"
        ),
        roles("audit.assign"),
        write=True,
    ),
    # ---- standing monthly audits
    Op(
        "monthly.get_plan",
        monthly.get_plan,
        lambda d, a, w, t: monthly.get_plan(d, a),
        roles("programme.view"),
    ),
    Op(
        "monthly.save_plan",
        monthly.save_plan,
        lambda d, a, w, t: monthly.save_plan(
            d, a, active=True, template_key=TEMPLATE, audit_kind="single"
        ),
        roles("programme.edit"),
        write=True,
    ),
    Op(
        "monthly.list_expectations",
        monthly.list_expectations,
        lambda d, a, w, t: monthly.list_expectations(d, a),
        roles("programme.view"),
    ),
    Op(
        "monthly.set_expectation",
        monthly.set_expectation,
        lambda d, a, w, t: monthly.set_expectation(
            d, a, person_key="mod_a", audits=0, moderations=2
        ),
        roles("programme.edit"),
        write=True,
    ),
    Op(
        "monthly.remove_expectation",
        monthly.remove_expectation,
        lambda d, a, w, t: monthly.remove_expectation(
            d, a, monthly.list_expectations(d, Actor.system())[0].uuid
        ),
        roles("programme.edit"),
        write=True,
    ),
    Op(
        "monthly_draw.roll_over",
        monthly_draw.roll_over,
        lambda d, a, w, t: monthly_draw.roll_over(d, a, today=date(2026, 3, 2)),
        roles("programme.view"),
        write=True,
    ),
    Op(
        "monthly_draw.draw_now",
        monthly_draw.draw_now,
        lambda d, a, w, t: monthly_draw.draw_now(d, a, today=date(2026, 4, 1)),
        roles("programme.edit"),
        write=True,
    ),
    Op(
        "monthly_compliance.month_compliance",
        monthly_compliance.month_compliance,
        lambda d, a, w, t: monthly_compliance.month_compliance(
            d, a, date(2026, 3, 1), today=date(2026, 3, 2)
        ),
        roles("programme.view"),
    ),
    Op(
        "monthly_compliance.history",
        monthly_compliance.history,
        lambda d, a, w, t: monthly_compliance.history(d, a, today=date(2026, 3, 2), months=2),
        roles("programme.view"),
    ),
    # ---- audits and moderation
    Op(
        "audits.reading.get_audit",
        audits.get_audit,
        lambda d, a, w, t: audits.get_audit(d, a, _a(w, "review")),
        roles("audit.view"),
    ),
    Op(
        "audits.reading.get_audit(other agency)",
        audits.get_audit,
        lambda d, a, w, t: audits.get_audit(d, a, _a(w, "other_agency")),
        LEAD,
        hidden=True,
    ),
    Op(
        "audits.reading.get_audit(assigned, other agency)",
        audits.get_audit,
        lambda d, a, w, t: audits.get_audit(d, a, _a(w, "assigned_b")),
        frozenset({"auditor", "lead"}),
        hidden=True,
    ),
    Op(
        "audit_screen.audit_screen",
        audit_screen.audit_screen,
        lambda d, a, w, t: audit_screen.audit_screen(d, a, _a(w, "review")),
        roles("audit.view"),
    ),
    Op(
        "audit_screen.audit_screen(other agency)",
        audit_screen.audit_screen,
        lambda d, a, w, t: audit_screen.audit_screen(d, a, _a(w, "other_agency")),
        LEAD,
        hidden=True,
    ),
    Op(
        "audit_screen.audit_extras",
        audit_screen.audit_extras,
        lambda d, a, w, t: audit_screen.audit_extras(d, a, _a(w, "review")),
        roles("audit.view"),
    ),
    Op(
        "audits.lists.list_audits",
        audits.list_audits,
        lambda d, a, w, t: audits.list_audits(d, a),
        roles("audit.view"),
    ),
    # logged=False: a draft saved again within minutes is one editing session in the change
    # log; moderation in progress is not logged until confirmed; a pack imported again is a no-op.
    Op(
        "audits.reviews.save_review",
        audits.save_review,
        lambda d, a, w, t: audits.save_review(
            d, a, w.reviews["review/aud_a1"], strengths="Thorough"
        ),
        roles("audit.review"),
        write=True,
        logged=False,
    ),
    Op(
        "audits.reviews.submit_review",
        audits.submit_review,
        lambda d, a, w, t: audits.submit_review(d, a, w.reviews["review/aud_a1"]),
        roles("audit.review"),
        write=True,
    ),
    Op(
        "audits.moderation.proposal",
        audits.proposal,
        lambda d, a, w, t: audits.proposal(d, a, _a(w, "moderation")),
        roles("audit.moderate"),
    ),
    Op(
        "audits.moderation.save_moderation",
        audits.save_moderation,
        lambda d, a, w, t: audits.save_moderation(
            d, a, _a(w, "moderation"), answers=role_world.grades(d, w["lead"]), overall=GOOD
        ),
        roles("audit.moderate"),
        write=True,
        logged=False,
    ),
    Op(
        "audits.moderation.confirm_problems",
        audits.confirm_problems,
        lambda d, a, w, t: audits.confirm_problems(
            d, a, _a(w, "moderation"), answers=role_world.grades(d, w["lead"]), overall=GOOD
        ),
        roles("audit.moderate"),
    ),
    Op(
        "audits.moderation.confirm",
        audits.confirm,
        lambda d, a, w, t: audits.confirm(
            d, a, _a(w, "moderation"), answers=role_world.grades(d, w["lead"]), overall=GOOD
        ),
        roles("audit.moderate"),
        write=True,
    ),
    Op(
        "audits.moderation.return_review",
        audits.return_review,
        lambda d, a, w, t: audits.return_review(
            d, a, w.reviews["moderation/aud_a1"], "Look at the plan again"
        ),
        roles("audit.moderate"),
        write=True,
    ),
    Op(
        "audits.leads.record_panel_summary",
        audits.record_panel_summary,
        lambda d, a, w, t: audits.record_panel_summary(d, a, _a(w, "panel"), "Shared findings"),
        roles("audit.panel"),
        write=True,
    ),
    Op(
        "audits.leads.reopen",
        audits.reopen,
        lambda d, a, w, t: audits.reopen(d, a, _a(w, "final"), "New information"),
        roles("audit.reopen"),
        write=True,
    ),
    Op(
        "audits.concerns.raise_concern",
        audits.raise_concern,
        lambda d, a, w, t: audits.raise_concern(d, a, _a(w, "review"), what="Bruising seen"),
        roles("concern.raise"),
        write=True,
    ),
    Op(
        "audits.concerns.list_concerns",
        audits.list_concerns,
        lambda d, a, w, t: audits.list_concerns(d, a),
        roles("concern.raise"),
    ),
    Op(
        "audits.concerns.audit_concerns",
        audits.audit_concerns,
        lambda d, a, w, t: audits.audit_concerns(d, a, _a(w, "review")),
        roles("concern.raise"),
    ),
    Op(
        "audits.concerns.open_concern_count",
        audits.open_concern_count,
        lambda d, a, w, t: audits.open_concern_count(d, a),
        roles("concern.raise"),
    ),
    # The case's manager or a QA lead; the auditor and moderator here manage no case.
    Op(
        "audits.concerns.respond_to_concern",
        audits.respond_to_concern,
        lambda d, a, w, t: audits.respond_to_concern(
            d, a, _r(w, "concern"), "Referred to the front door"
        ),
        LEAD,
        write=True,
    ),
    # ---- feedback
    Op(
        "feedback.list_questions",
        feedback.list_questions,
        lambda d, a, w, t: feedback.list_questions(d, a),
        roles("feedback.view"),
    ),
    Op(
        "feedback.save_question",
        feedback.save_question,
        lambda d, a, w, t: feedback.save_question(
            d, a, key="extra_q", text="Anything else?", new=True
        ),
        roles("feedback.questions"),
        write=True,
    ),
    Op(
        "feedback.shareable_problems",
        feedback.shareable_problems,
        lambda d, a, w, t: feedback.shareable_problems(d, a, "Kind and clear", "CA1"),
        roles("feedback.record"),
    ),
    Op(
        "feedback.add_feedback",
        feedback.add_feedback,
        lambda d, a, w, t: feedback.add_feedback(d, a, conversation(), audit_uuid=_a(w, "review")),
        roles("feedback.record"),
        write=True,
    ),
    Op(
        "feedback.add_feedback(outside an audit)",
        feedback.add_feedback,
        lambda d, a, w, t: feedback.add_feedback(d, a, conversation(), case_ref="CA1"),
        roles("feedback.record"),
        write=True,
    ),
    Op(
        "feedback.update_feedback",
        feedback.update_feedback,
        lambda d, a, w, t: feedback.update_feedback(
            d, a, _r(w, "feedback"), conversation("Changed")
        ),
        roles("feedback.record"),
        write=True,
    ),
    Op(
        "feedback.delete_feedback",
        feedback.delete_feedback,
        lambda d, a, w, t: feedback.delete_feedback(d, a, _r(w, "feedback")),
        roles("feedback.record"),
        write=True,
    ),
    Op(
        "feedback.audit_feedback",
        feedback.audit_feedback,
        lambda d, a, w, t: feedback.audit_feedback(d, a, _a(w, "review")),
        roles("feedback.view"),
    ),
    Op(
        "feedback.audit_feedback(other agency)",
        feedback.audit_feedback,
        lambda d, a, w, t: feedback.audit_feedback(d, a, _a(w, "other_agency")),
        LEAD,
        hidden=True,
    ),
    Op(
        "feedback.list_feedback",
        feedback.list_feedback,
        lambda d, a, w, t: feedback.list_feedback(d, a),
        roles("feedback.view"),
    ),
    Op(
        "feedback.summary",
        feedback.summary,
        lambda d, a, w, t: feedback.summary(d, a),
        roles("feedback.view"),
    ),
    # ---- learning, actions, feedback to the worker
    Op(
        "learning.add_learning_point",
        learning.add_learning_point,
        lambda d, a, w, t: learning.add_learning_point(
            d, a, _a(w, "review"), kind="development", text="Genogram missing"
        ),
        roles("learning.record"),
        write=True,
    ),
    Op(
        "learning.update_learning_point",
        learning.update_learning_point,
        lambda d, a, w, t: learning.update_learning_point(
            d,
            a,
            _r(w, "learning"),
            kind="strength",
            text="Very clear plan",
            item_key=None,
            themes=["plans"],
            in_briefing=True,
        ),
        roles("learning.record"),
        write=True,
    ),
    Op(
        "learning.delete_learning_point",
        learning.delete_learning_point,
        lambda d, a, w, t: learning.delete_learning_point(d, a, _r(w, "learning")),
        roles("learning.record"),
        write=True,
    ),
    Op(
        "learning.set_in_briefing",
        learning.set_in_briefing,
        lambda d, a, w, t: learning.set_in_briefing(d, a, _r(w, "learning"), False),
        roles("learning.select"),
        write=True,
    ),
    Op(
        "learning.audit_learning",
        learning.audit_learning,
        lambda d, a, w, t: learning.audit_learning(d, a, _a(w, "review")),
        roles("learning.view"),
    ),
    Op(
        "learning.audit_learning(other agency)",
        learning.audit_learning,
        lambda d, a, w, t: learning.audit_learning(d, a, _a(w, "other_agency")),
        LEAD,
        hidden=True,
    ),
    Op(
        "learning.list_learning",
        learning.list_learning,
        lambda d, a, w, t: learning.list_learning(d, a, LearningFilter()),
        roles("learning.view"),
    ),
    Op(
        "learning.theme_tags",
        learning.theme_tags,
        lambda d, a, w, t: learning.theme_tags(d, a),
        roles("learning.view"),
    ),
    Op(
        "learning.practice_areas",
        learning.practice_areas,
        lambda d, a, w, t: learning.practice_areas(d, a),
        roles("learning.view"),
    ),
    Op(
        "learning_actions.add_action",
        learning_actions.add_action,
        lambda d, a, w, t: learning_actions.add_action(
            d, a, _a(w, "review"), text="Book a visit", owner_key="aud_a2", due_on=DUE
        ),
        roles("action.record"),
        write=True,
    ),
    Op(
        "learning_actions.update_action",
        learning_actions.update_action,
        lambda d, a, w, t: learning_actions.update_action(
            d,
            a,
            _r(w, "action"),
            text="Update the plan now",
            owner_key="aud_a1",
            due_on=DUE,
            scope="case",
        ),
        roles("action.record"),
        write=True,
    ),
    Op(
        "learning_actions.set_action_status",
        learning_actions.set_action_status,
        lambda d, a, w, t: learning_actions.set_action_status(
            d, a, _r(w, "action"), "done", note="Done"
        ),
        roles("action.record"),
        write=True,
    ),
    Op(
        "learning_actions.audit_actions",
        learning_actions.audit_actions,
        lambda d, a, w, t: learning_actions.audit_actions(d, a, _a(w, "review")),
        roles("action.view"),
    ),
    Op(
        "learning_actions.list_actions",
        learning_actions.list_actions,
        lambda d, a, w, t: learning_actions.list_actions(d, a),
        roles("action.view"),
    ),
    Op(
        "learning_actions.overdue_count",
        learning_actions.overdue_count,
        lambda d, a, w, t: learning_actions.overdue_count(d, a),
        roles("action.view"),
    ),
    Op(
        "worker_feedback.get_worker_feedback",
        worker_feedback.get_worker_feedback,
        lambda d, a, w, t: worker_feedback.get_worker_feedback(d, a, _a(w, "review")),
        roles("learning.view"),
    ),
    Op(
        "worker_feedback.save_worker_feedback",
        worker_feedback.save_worker_feedback,
        lambda d, a, w, t: worker_feedback.save_worker_feedback(
            d,
            a,
            _a(w, "review"),
            given_to_worker=True,
            given_to_manager=False,
            given_on=TODAY - timedelta(days=1),
        ),
        roles("learning.record"),
        write=True,
    ),
    Op(
        "my_work.my_work",
        my_work.my_work,
        lambda d, a, w, t: my_work.my_work(d, a),
        ALL,
    ),
    # Notices: everyone reads and marks their own; another's is not found (test_notices).
    Op(
        "notices.list_notices",
        notices.list_notices,
        lambda d, a, w, t: notices.list_notices(d, a),
        ALL,
    ),
    Op(
        "notices.unread_count",
        notices.unread_count,
        lambda d, a, w, t: notices.unread_count(d, a),
        ALL,
    ),
    Op(
        "notices.mark_all_read",
        notices.mark_all_read,
        lambda d, a, w, t: notices.mark_all_read(d, a),
        ALL,
        write=True,
        logged=False,
    ),
    Op(
        "notices.mark_read",
        notices.mark_read,
        lambda d, a, w, t: notices.mark_read(d, a, "not-a-notice-of-theirs"),
        ALL,
        stopped_by=NotFound,
    ),
    Op(
        "worker_sheet.worker_sheet",
        worker_sheet.worker_sheet,
        lambda d, a, w, t: worker_sheet.worker_sheet(d, a, _a(w, "final")),
        roles("learning.record"),
        write=True,
    ),
    Op(
        "worker_sheet.export_sheet",
        worker_sheet.export_sheet,
        lambda d, a, w, t: worker_sheet.export_sheet(d, a, _a(w, "final"), t / "sheet.pdf"),
        roles("learning.record"),
        write=True,
    ),
    Op(
        "worker_sheet.record_sheet_given",
        worker_sheet.record_sheet_given,
        lambda d, a, w, t: worker_sheet.record_sheet_given(d, a, _a(w, "final")),
        roles("learning.record"),
        write=True,
    ),
    Op(
        "worker_feedback.worker_feedback_pct",
        worker_feedback.worker_feedback_pct,
        lambda d, a, w, t: worker_feedback.worker_feedback_pct(d, a),
        roles("learning.view"),
    ),
    Op(
        "learning_export.export_workbook",
        learning_export.export_workbook,
        lambda d, a, w, t: learning_export.export_workbook(
            d, a, t / "learning.xlsx", learning=LearningFilter(), feedback=FeedbackFilter()
        ),
        roles("learning.export"),
    ),
    # ---- packs
    Op(
        "packs.export_pack",
        packs.export_pack,
        lambda d, a, w, t: packs.export_pack(d, a),
        roles("pack.exchange"),
    ),
    Op(
        "packs.write_pack",
        packs.write_pack,
        lambda d, a, w, t: packs.write_pack(d, a, t / "pack.json"),
        roles("pack.exchange"),
    ),
    Op(
        "packs.import_pack",
        packs.import_pack,
        lambda d, a, w, t: packs.import_pack(d, a, w.pack),
        roles("pack.exchange"),
        write=True,
        logged=False,
    ),
    # ---- briefings: viewers read published ones only
    Op(
        "briefings.records.list_briefings",
        briefings.list_briefings,
        lambda d, a, w, t: briefings.list_briefings(d, a),
        roles("briefing.view"),
    ),
    Op(
        "briefings.records.get_briefing",
        briefings.get_briefing,
        lambda d, a, w, t: briefings.get_briefing(d, a, _r(w, "briefing_published")),
        roles("briefing.view"),
    ),
    Op(
        "briefings.records.get_briefing(draft)",
        briefings.get_briefing,
        lambda d, a, w, t: briefings.get_briefing(d, a, _r(w, "briefing_draft")),
        roles("briefing.edit"),
    ),
    Op(
        "briefings.records.latest_for_programme",
        briefings.latest_for_programme,
        lambda d, a, w, t: briefings.latest_for_programme(d, a, PROGRAMME),
        roles("briefing.view"),
    ),
    Op(
        "briefings.publishing.export_briefing",
        briefings.export_briefing,
        lambda d, a, w, t: briefings.export_briefing(
            d, a, _r(w, "briefing_published"), t / "b.pdf"
        ),
        roles("briefing.view"),
    ),
    Op(
        "briefings.publishing.export_briefing(draft)",
        briefings.export_briefing,
        lambda d, a, w, t: briefings.export_briefing(d, a, _r(w, "briefing_draft"), t / "b.pdf"),
        roles("briefing.edit"),
    ),
    Op(
        "briefings.publishing.deliveries",
        briefings.deliveries,
        lambda d, a, w, t: briefings.deliveries(d, a, _r(w, "briefing_published")),
        roles("briefing.view"),
    ),
    Op(
        "briefings.publishing.deliveries(draft)",
        briefings.deliveries,
        lambda d, a, w, t: briefings.deliveries(d, a, _r(w, "briefing_draft")),
        roles("briefing.edit"),
    ),
    Op(
        "briefings.drafting.count_source_audits",
        briefings.count_source_audits,
        lambda d, a, w, t: briefings.count_source_audits(d, a, programme_key=PROGRAMME),
        roles("briefing.edit"),
    ),
    Op(
        "briefings.drafting.new_briefing",
        briefings.new_briefing,
        lambda d, a, w, t: briefings.new_briefing(d, a, programme_key=PROGRAMME),
        roles("briefing.edit"),
        write=True,
    ),
    Op(
        "briefings.editing.redraft_section",
        briefings.redraft_section,
        lambda d, a, w, t: briefings.redraft_section(d, a, _r(w, "briefing_draft"), "background"),
        roles("briefing.edit"),
        write=True,
    ),
    Op(
        "briefings.editing.save_briefing",
        briefings.save_briefing,
        lambda d, a, w, t: briefings.save_briefing(
            d, a, _r(w, "briefing_draft"), title="Renamed", audience="Team managers", sections={}
        ),
        roles("briefing.edit"),
        write=True,
    ),
    Op(
        "briefings.editing.check",
        briefings.check,
        lambda d, a, w, t: briefings.check(d, a, _r(w, "briefing_draft")),
        roles("briefing.edit"),
    ),
    Op(
        "briefings.editing.allow",
        briefings.allow,
        lambda d, a, w, t: briefings.allow(
            d, a, _r(w, "briefing_named"), "name", "Wyn Worker", "Presenter, with consent"
        ),
        roles("briefing.override"),
        write=True,
    ),
    Op(
        "briefings.publishing.publish",
        briefings.publish,
        lambda d, a, w, t: briefings.publish(d, a, _r(w, "briefing_draft")),
        roles("briefing.publish"),
        write=True,
    ),
    Op(
        "briefings.publishing.new_version",
        briefings.new_version,
        lambda d, a, w, t: briefings.new_version(d, a, _r(w, "briefing_published")),
        roles("briefing.edit"),
        write=True,
    ),
    Op(
        "briefings.publishing.record_delivery",
        briefings.record_delivery,
        lambda d, a, w, t: briefings.record_delivery(
            d,
            a,
            _r(w, "briefing_published"),
            team_key="team_a",
            delivered_on=TODAY - timedelta(days=1),
        ),
        roles("briefing.edit"),
        write=True,
    ),
    # ---- reports: figures for everyone who reads reports, case lists only within the scope
    Op(
        "report.compute",
        reports.compute,
        lambda d, a, w, t: reports.compute(d, a, date_from=FROM, date_to=TO),
        roles("report.view"),
    ),
    Op(
        "report.raw_rows",
        reports.raw_rows,
        lambda d, a, w, t: reports.raw_rows(d, a, date_from=FROM, date_to=TO),
        roles("report.view"),
    ),
    Op(
        "report_export.write_report",
        report_export.write_report,
        lambda d, a, w, t: report_export.write_report(
            d, a, t / "report.json", fmt="json", date_from=FROM, date_to=TO
        ),
        roles("report.view"),
    ),
    Op(
        "report_story.tell",
        report_story.tell,
        lambda d, a, w, t: report_story.tell(
            d, a, reports.compute(d, a, date_from=FROM, date_to=TO)
        ),
        roles("report.view"),
    ),
    # ---- report editions: viewers read published commentary only
    Op(
        "report_editions.editions",
        report_editions.editions,
        lambda d, a, w, t: report_editions.editions(d, a, EDITION_NOW),
        roles("report.view"),
    ),
    Op(
        "report_editions.current_edition",
        report_editions.current_edition,
        lambda d, a, w, t: report_editions.current_edition(d, a, EDITION_BEFORE),
        roles("report.view"),
    ),
    Op(
        "report_editions.save_commentary",
        report_editions.save_commentary,
        lambda d, a, w, t: report_editions.save_commentary(
            d, a, EDITION_NOW, {"summary": "Commentary changed"}
        ),
        roles("report.comment"),
        write=True,
    ),
    Op(
        "report_editions.publish_edition",
        report_editions.publish_edition,
        lambda d, a, w, t: report_editions.publish_edition(d, a, _r(w, "edition_draft")),
        roles("report.publish"),
        write=True,
    ),
    Op(
        "report_editions.new_version",
        report_editions.new_version,
        lambda d, a, w, t: report_editions.new_version(d, a, _r(w, "edition_published")),
        roles("report.comment"),
        write=True,
    ),
    Op(
        "drilldown.audits_behind",
        drilldown.audits_behind,
        lambda d, a, w, t: drilldown.audits_behind(d, a, date_from=FROM, date_to=TO),
        roles("report.view") & roles("audit.view"),
    ),
]


OPS += role_ops_complaints.operations(Op, roles)


def _operations() -> dict[str, Callable[..., Any]]:
    """Every public function of the service modules (and the reporting entry points) that
    takes an `actor`."""
    modules = [
        importlib.import_module(m.name)
        for package in (audit_tool.services, audit_tool.access)
        for m in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")
    ]
    found: dict[str, Callable[..., Any]] = {}
    for module in [*modules, *REPORTING]:
        short = module.__name__.split(".", 2)[2]  # audit_tool.services.audits -> audits
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or func.__module__ != module.__name__:
                continue
            if "actor" in inspect.signature(func).parameters:
                found[f"{short}.{name}"] = func
    return found


def test_every_service_operation_is_in_the_matrix() -> None:
    operations = _operations()
    covered = {op.func for op in OPS}
    missing = sorted(
        name
        for name, func in operations.items()
        if func not in covered and name not in NOT_OPERATIONS
    )
    assert missing == [], f"add these operations to OPS in {__name__}: {missing}"
    stale = sorted(set(NOT_OPERATIONS) - set(operations))
    assert stale == [], f"no longer exist; remove from NOT_OPERATIONS: {stale}"
    assert len({op.name for op in OPS}) == len(OPS)


# ---------------------------------------------------------------- the matrix


@pytest.fixture(scope="module", params=role_world.BACKENDS)
def matrix(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    pg_available: str | None,
) -> Iterator[Matrix]:
    yield from role_world.worlds(request.param, tmp_path_factory, pg_available)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("op", OPS, ids=str)
def test_role_matrix(matrix: Matrix, op: Op, role: str, tmp_path: Path) -> None:
    world = matrix.world
    actor = world[role]
    if role not in op.allowed:
        before = changelog.count(matrix.db)
        # Out of scope is "not there" for someone who may see such records at all.
        refusal = (PermissionDenied, NotFound) if op.hidden else PermissionDenied
        with pytest.raises(refusal) as refused:
            op.call(matrix.db, actor, world, tmp_path)
        if op.hidden and isinstance(refused.value, NotFound):
            assert role in ("auditor", "moderator")
        assert changelog.count(matrix.db) == before, "a refused operation changed something"
        assert [p.name for p in tmp_path.iterdir() if p.name != "cases.csv"] == []
        return
    if op.write:
        with matrix.fresh() as database:
            before = changelog.count(database)
            op.call(database, actor, world, tmp_path)
            if op.logged:
                assert changelog.count(database) > before, "an allowed change was not logged"
        return
    if op.stopped_by is not None:
        with pytest.raises(op.stopped_by):
            op.call(matrix.db, actor, world, tmp_path)
        return
    op.call(matrix.db, actor, world, tmp_path)
