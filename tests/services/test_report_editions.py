"""Report editions (services/report_editions.py) on SQLite and PostgreSQL: the commentary a
lead writes beside a period's report, kept as a draft, published (frozen) and versioned as
briefings are; viewers read published versions only; names are refused at publication."""

from __future__ import annotations

from datetime import date

import pytest

from audit_tool.errors import ConflictError, PermissionDenied, ValidationError
from audit_tool.reporting import report as reports
from audit_tool.services import changelog, report_editions
from audit_tool.services.report_editions import EditionKey, key_for

Q4 = key_for("quarter", date(2026, 2, 1))  # 2025/26 Q4: January to March 2026


def test_a_key_names_the_whole_period_and_the_filters() -> None:
    assert (Q4.by, Q4.period_start, Q4.period_end, Q4.label) == (
        "quarter",
        date(2026, 1, 1),
        date(2026, 3, 31),
        "2025/26 Q4",
    )
    assert Q4.filters_key == "{}"
    calendar = key_for("quarter", date(2026, 2, 1), year_start_month=1)
    assert (calendar.label, calendar.period_start) == ("2026 Q1", date(2026, 1, 1))
    september = key_for("year", date(2026, 2, 1), year_start_month=9)
    assert (september.label, september.period_start, september.period_end) == (
        "2025/26",
        date(2025, 9, 1),
        date(2026, 8, 31),
    )
    team = key_for("month", date(2026, 2, 14), filters={"team": "ppu", "theme": None})
    assert (team.label, team.filters_key) == ("2026-02", '{"team":"ppu"}')
    assert team.description == "the report for 2026-02 (team ppu)"
    with pytest.raises(ValidationError):
        key_for("week", date(2026, 2, 1))
    with pytest.raises(ValidationError):
        key_for("quarter", date(2026, 2, 1), filters={"colour": "red"})


def test_a_report_ending_mid_quarter_has_the_whole_quarters_key(world) -> None:
    report = reports.compute(
        world.db,
        world.lead,
        date_from=date(2025, 4, 1),
        date_to=date(2026, 2, 10),
        today=date(2026, 2, 10),
    )
    assert report["periods"][-1]["partial"] is True
    assert report_editions.key_of(report) == Q4


def test_the_first_save_makes_draft_one_and_later_saves_edit_it(world) -> None:
    db, lead = world.db, world.lead
    assert report_editions.current_edition(db, lead, Q4) is None
    before = changelog.count(db)
    first = report_editions.save_commentary(
        db, lead, Q4, {"summary": "  A steady quarter.  ", "grades": "", "themes": "Plans."}
    )
    assert (first.version, first.status, first.label) == (1, "draft", "Draft, version 1")
    assert first.commentary == {"summary": "A steady quarter.", "themes": "Plans."}
    assert first.author_name == "Priya Lead" and first.hits == ()
    assert changelog.count(db) == before + 1
    second = report_editions.save_commentary(
        db, lead, Q4, {"summary": "A better quarter."}, expected_revision=first.revision
    )
    assert (second.uuid, second.version) == (first.uuid, 1)
    assert second.commentary == {"summary": "A better quarter."}
    assert changelog.count(db) == before + 2
    # The same text again changes nothing and logs nothing.
    report_editions.save_commentary(db, lead, Q4, {"summary": "A better quarter."})
    assert changelog.count(db) == before + 2
    assert report_editions.current_edition(db, lead, Q4) == second


def test_bad_commentary_is_refused_and_changes_nothing(world) -> None:
    db, lead = world.db, world.lead
    report_editions.save_commentary(db, lead, Q4, {"summary": "Kept."})
    before = changelog.count(db)
    with pytest.raises(ValidationError, match="Not a section"):
        report_editions.save_commentary(db, lead, Q4, {"epilogue": "No such section"})
    with pytest.raises(ValidationError, match="under 6,000"):
        report_editions.save_commentary(db, lead, Q4, {"summary": "x" * 6001})
    with pytest.raises(PermissionDenied):
        report_editions.save_commentary(db, world.auditor, Q4, {"summary": "Mine"})
    assert changelog.count(db) == before
    edition = report_editions.current_edition(db, lead, Q4)
    assert edition is not None and edition.commentary == {"summary": "Kept."}


def test_publishing_freezes_and_a_new_version_starts_from_it(world) -> None:
    db, lead = world.db, world.lead
    draft = report_editions.save_commentary(db, lead, Q4, {"voices": "Families felt heard."})
    published = report_editions.publish_edition(db, lead, draft.uuid)
    assert published.published and published.published_at is not None
    assert published.label == "Published, version 1"
    with pytest.raises(ValidationError, match="published and frozen"):
        report_editions.save_commentary(db, lead, Q4, {"voices": "Changed"})
    with pytest.raises(ValidationError, match="already published"):
        report_editions.publish_edition(db, lead, draft.uuid)
    second = report_editions.new_version(db, lead, draft.uuid)
    assert (second.version, second.status, second.commentary) == (
        2,
        "draft",
        {"voices": "Families felt heard."},
    )
    with pytest.raises(ValidationError, match="newest published"):
        report_editions.new_version(db, lead, draft.uuid)  # a draft is already open
    report_editions.save_commentary(db, lead, Q4, {"voices": "Families felt heard again."})
    # The lead sees the draft; a viewer, who never reads drafts, the published version.
    lead_sees = report_editions.current_edition(db, lead, Q4)
    viewer_sees = report_editions.current_edition(db, world.viewer, Q4)
    assert lead_sees is not None and lead_sees.version == 2
    assert viewer_sees is not None and viewer_sees.version == 1
    assert viewer_sees.commentary == {"voices": "Families felt heard."}
    assert [e.version for e in report_editions.editions(db, lead, Q4)] == [2, 1]
    assert [e.version for e in report_editions.editions(db, world.viewer, Q4)] == [1]


def test_commentary_naming_someone_is_not_published(world) -> None:
    db, lead = world.db, world.lead
    draft = report_editions.save_commentary(
        db, lead, Q4, {"learning": "Alex Auditor followed up case C1001."}
    )
    assert draft.hits == ("case reference 'C1001'", "name 'Alex Auditor'")
    before = changelog.count(db)
    with pytest.raises(ValidationError, match="Alex Auditor"):
        report_editions.publish_edition(db, lead, draft.uuid)
    assert changelog.count(db) == before
    edition = report_editions.current_edition(db, lead, Q4)
    assert edition is not None and edition.status == "draft"


def test_a_save_over_someone_elses_is_a_conflict(world) -> None:
    db, lead = world.db, world.lead
    opened = report_editions.save_commentary(db, lead, Q4, {"summary": "Mine"})
    report_editions.save_commentary(db, lead, Q4, {"summary": "Theirs"})
    with pytest.raises(ConflictError):
        report_editions.save_commentary(
            db, lead, Q4, {"summary": "Mine again"}, expected_revision=opened.revision
        )
    with pytest.raises(ConflictError):
        report_editions.publish_edition(db, lead, opened.uuid, expected_revision=opened.revision)
    edition = report_editions.current_edition(db, lead, Q4)
    assert edition is not None and edition.commentary == {"summary": "Theirs"}


def test_each_report_has_its_own_edition(world) -> None:
    db, lead = world.db, world.lead
    team = EditionKey(Q4.by, Q4.period_start, Q4.period_end, Q4.label, (("team", "ppu"),))
    q3 = key_for("quarter", date(2025, 11, 1))
    report_editions.save_commentary(db, lead, Q4, {"summary": "Partnership"})
    report_editions.save_commentary(db, lead, team, {"summary": "Public Protection Unit"})
    assert report_editions.current_edition(db, lead, q3) is None
    found = report_editions.current_edition(db, lead, team)
    assert found is not None and found.commentary == {"summary": "Public Protection Unit"}
    assert found.key == team
