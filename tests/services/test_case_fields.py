"""Case fields: defined by a QA lead, set in the case register and by import with the same
checks as the case's own fields, and cohort samples drawn from them reproducibly."""

from __future__ import annotations

import csv
import random
from datetime import date
from pathlib import Path

import pytest

from audit_tool.errors import PermissionDenied, ValidationError
from audit_tool.services import case_fields, case_import, cases, changelog, cohorts, programmes
from audit_tool.services.case_fields import age_on, years_before
from audit_tool.services.cases import CaseInput
from audit_tool.services.programmes import SampleFilters

START = date(2026, 1, 1)  # the programme's start: the day ages are taken on
PATHWAYS = ("RED", "AMBER", "GREEN")


def define_fields(world) -> None:
    """Pathway (choice), legal status (choice), MACE (yes/no), school (text), referred on
    (date), score (number) and the date of birth."""
    save = case_fields.save_case_field
    db, lead = world.db, world.lead
    save(db, lead, key="pathway", label="Pathway", kind="choice", options=PATHWAYS)
    save(
        db,
        lead,
        key="legal_status",
        label="Legal status",
        kind="choice",
        options=["s.20", "Care order", "Placement order"],
    )
    save(db, lead, key="mace", label="Discussed at MACE", kind="yes_no")
    save(db, lead, key="school", label="School", kind="text")
    save(db, lead, key="referred_on", label="Referred on", kind="date")
    save(db, lead, key="score", label="Score", kind="number")
    save(db, lead, key="dob", label="Born", kind="date", birth_date=True)


def set_fields(world, ref: str, values: dict[str, str]) -> None:
    """Give a case these case field values, its other fields as they are."""
    row = cases.get_case(world.db, world.lead, ref)
    data = CaseInput(
        ref=ref,
        initials=row.initials,
        case_type=row.case_type,
        team=row.team_key,
        level_of_need=row.level_of_need,
        worker=row.worker_key,
        manager=row.manager_key,
        opened_on=row.opened_on,
        fields=values,
    )
    cases.update_case(world.db, world.lead, ref, data)


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


HEADER = ["Case reference", "Initials", "Case type", "Team", "pathway", "dob", "mace", "Opened"]


def _cohort_rows(n: int = 60) -> list[list[str]]:
    """n cases with a pathway, a date of birth (ages 5 to 19 on START) and MACE yes or no."""
    rng = random.Random(7)
    rows = []
    for i in range(n):
        born = date(2006 + rng.randrange(15), 1 + rng.randrange(12), 1 + rng.randrange(28))
        rows.append(
            [
                f"K{i:03d}",
                "AB",
                "cp",
                "assess_north",
                PATHWAYS[i % 3],
                born.isoformat(),
                "yes" if i % 4 == 0 else "no",
                "2025-06-01",
            ]
        )
    return rows


# ---------------------------------------------------------------- definitions


def test_a_lead_defines_fields_and_bad_definitions_are_refused(world):
    define_fields(world)
    rows = case_fields.list_case_fields(world.db, world.viewer)
    assert [r.key for r in rows] == [
        "pathway",
        "legal_status",
        "mace",
        "school",
        "referred_on",
        "score",
        "dob",
    ]
    assert rows[0].options == PATHWAYS and rows[-1].birth_date
    entry = changelog.entries(world.db, world.lead, entity="case_field", limit=1)[0]
    assert entry.action == "create" and entry.after["key"] == "dob"

    def refused(**kw) -> dict[str, str]:
        args = dict(key="x_field", label="X", kind="text") | kw
        with pytest.raises(ValidationError) as caught:
            case_fields.save_case_field(world.db, world.lead, **args)
        return caught.value.fields

    assert "key" in refused(key="Bad key")
    assert "key" in refused(key="pathway")  # taken
    assert "key" in refused(key="team")  # the case's own field
    assert "key" in refused(key="social_worker")  # read as the case's worker in an extract
    assert "options" in refused(kind="choice", options=[])
    assert "options" in refused(kind="choice", options=["A", "a"])
    assert "label" in refused(label="Surname")
    assert "label" in refused(label="Date of birth")  # only as the date of birth
    assert "birth_date" in refused(kind="text", birth_date=True)
    assert "birth_date" in refused(key="born2", kind="date", birth_date=True)  # one only
    with pytest.raises(PermissionDenied):
        case_fields.save_case_field(world.db, world.auditor, key="x2", label="X", kind="text")


def test_a_field_in_use_keeps_its_kind_and_its_options_and_cannot_be_deleted(world):
    define_fields(world)
    cases.update_case(world.db, world.lead, "C1000", _input("C1000", {"pathway": "red"}))
    save = case_fields.save_case_field
    with pytest.raises(ValidationError) as caught:
        save(world.db, world.lead, key="pathway", label="P", kind="text", original_key="pathway")
    assert "kind cannot change" in caught.value.fields["kind"]
    with pytest.raises(ValidationError) as caught:
        save(
            world.db,
            world.lead,
            key="pathway",
            label="Pathway",
            kind="choice",
            options=["AMBER", "GREEN"],
            original_key="pathway",
        )
    assert "'RED' (1 case(s))" in caught.value.fields["options"]
    with pytest.raises(ValidationError, match="1 case"):
        case_fields.delete_case_field(world.db, world.lead, "pathway")
    row = save(
        world.db,
        world.lead,
        key="pathway",
        label="Exploitation pathway",
        kind="choice",
        options=[*PATHWAYS, "BLUE"],
        original_key="pathway",
    )
    assert (row.label, row.cases) == ("Exploitation pathway", 1)
    case_fields.delete_case_field(world.db, world.lead, "score")
    assert "score" not in {r.key for r in case_fields.list_case_fields(world.db, world.lead)}


# ---------------------------------------------------------------- values


def _input(ref: str, fields: dict[str, str]) -> CaseInput:
    """The world's case C1000 as it is, with these case field values."""
    return CaseInput(
        ref=ref,
        initials="AB",
        case_type="cin",
        team="assess_north",
        level_of_need=3,
        worker="sw1",
        manager="tm1",
        opened_on="2024-01-15",
        fields=fields,
    )


def test_values_are_checked_like_the_cases_own_fields_and_logged(world):
    define_fields(world)
    db, lead = world.db, world.lead
    before = cases.get_case(db, lead, "C1000").revision
    bad = {
        "pathway": "PURPLE",
        "mace": "maybe",
        "referred_on": "2999-01-01",
        "score": "lots",
        "dob": "31/02/2015",
        "school": "x" * 201,
    }
    with pytest.raises(ValidationError) as caught:
        cases.update_case(db, lead, "C1000", _input("C1000", bad))
    errors = caught.value.fields
    assert set(errors) == {f"field_{k}" for k in bad}
    assert "RED, AMBER, GREEN" in errors["field_pathway"]
    assert errors["field_referred_on"] == "The date cannot be in the future"
    assert case_fields.case_values(db, lead, "C1000") == {}  # nothing written
    good = {
        "pathway": "red",
        "mace": "Yes",
        "referred_on": "05/01/2026",
        "score": "12.50",
        "dob": "2014-03-01",
        "school": "  Northfield   Primary ",
        "legal_status": "",
    }
    row = cases.update_case(db, lead, "C1000", _input("C1000", good))
    assert row.revision == before + 1  # a change of field values alone is a new revision
    assert case_fields.case_values(db, lead, "C1000") == {
        "pathway": "RED",
        "mace": "yes",
        "referred_on": "2026-01-05",
        "score": "12.5",
        "dob": "2014-03-01",
        "school": "Northfield Primary",
    }
    entry = changelog.entries(db, lead, entity="case", limit=1)[0]
    assert entry.after == {"fields.pathway": "RED"} | {
        f"fields.{k}": v
        for k, v in case_fields.case_values(db, lead, "C1000").items()
        if k != "pathway"
    }
    # A blank value removes one; values not given stay; an unknown key is refused.
    cases.update_case(db, lead, "C1000", _input("C1000", {"score": ""}))
    assert "score" not in case_fields.case_values(db, lead, "C1000")
    assert case_fields.case_values(db, lead, "C1000")["pathway"] == "RED"
    with pytest.raises(ValidationError, match="No case field 'colour'"):
        cases.update_case(db, lead, "C1000", _input("C1000", {"colour": "red"}))
    with pytest.raises(PermissionDenied):
        case_fields.case_values(db, world.viewer, "C1000")


def test_age_at_audit_counts_whole_years_and_leap_day_birthdays():
    assert age_on(date(2012, 6, 15), date(2026, 6, 14)) == 13
    assert age_on(date(2012, 6, 15), date(2026, 6, 15)) == 14
    assert age_on(date(2012, 2, 29), date(2013, 2, 28)) == 0
    assert age_on(date(2012, 2, 29), date(2013, 3, 1)) == 1
    assert years_before(date(2028, 2, 29), 1) == date(2027, 2, 28)


# ---------------------------------------------------------------- import


def test_import_reads_case_field_columns_all_or_nothing(world, tmp_path):
    define_fields(world)
    db, lead = world.db, world.lead
    header = ["Case reference", "Initials", "Case type", "Team", "Pathway", "DOB", "mace"]
    rows = [
        ["K001", "AB", "cp", "assess_north", "RED", "2012-05-01", "yes"],
        ["K002", "CD", "cin", "assess_north", "PINK", "2012-05-01", "no"],
        ["K003", "EF", "cin", "assess_north", "amber", "2099-01-01", "perhaps"],
    ]
    log_before = changelog.count(db)
    report = case_import.import_cases(db, lead, _csv(tmp_path / "c.csv", header, rows))
    assert not report.written and changelog.count(db) == log_before
    assert report.lines() == [
        "c.csv, row 3, column 'Pathway': 'PINK' is not one of: RED, AMBER, GREEN",
        "c.csv, row 4, column 'DOB': The date cannot be in the future",
        "c.csv, row 4, column 'mace': 'perhaps' is not yes or no",
    ]
    rows[1][4], rows[2][5], rows[2][6] = "GREEN", "01/06/2010", "N"
    path = _csv(tmp_path / "c.csv", header, rows)
    report = case_import.import_cases(db, lead, path)
    assert report.written and report.new == 3
    assert case_fields.case_values(db, lead, "K003") == {
        "pathway": "AMBER",
        "dob": "2010-06-01",
        "mace": "no",
    }
    again = case_import.import_cases(db, lead, path)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 3)
    rows[0][4] = "GREEN"
    changed = case_import.import_cases(db, lead, _csv(tmp_path / "c.csv", header, rows))
    assert (changed.updated, changed.unchanged) == (1, 2)
    assert case_fields.case_values(db, lead, "K001")["pathway"] == "GREEN"


def test_a_date_of_birth_column_needs_a_field_marked_as_the_date_of_birth(world, tmp_path):
    header = ["Case reference", "Initials", "Case type", "Team", "Date of birth"]
    path = _csv(tmp_path / "c.csv", header, [["K001", "AB", "cp", "assess_north", "2012-01-01"]])
    report = case_import.import_cases(world.db, world.lead, path)
    assert report.blocked and "personal data" in report.lines()[0]
    case_fields.save_case_field(
        world.db, world.lead, key="born_on", label="Date of birth", kind="date", birth_date=True
    )
    report = case_import.import_cases(world.db, world.lead, path)
    assert report.written
    assert case_fields.case_values(world.db, world.lead, "K001") == {"born_on": "2012-01-01"}


# ---------------------------------------------------------------- cohorts


def _expected(rows: list[list[str]], pathway: str, low: int, high: int) -> set[str]:
    return {
        r[0]
        for r in rows
        if r[4] == pathway and low <= age_on(date.fromisoformat(r[5]), START) <= high
    }


def _cohort_programme(world, key: str) -> None:
    programmes.save_programme(
        world.db,
        world.lead,
        key=key,
        name=f"Get Safe audit {key}",
        kind="thematic",
        theme="Exploitation",
        template_key="moderated_case_file",
        starts_on=START,
        due_on=date(2026, 3, 31),
    )


def test_a_cohort_sample_is_drawn_reproducibly_from_case_fields(world, tmp_path):
    define_fields(world)
    db, lead = world.db, world.lead
    rows = _cohort_rows()
    case_import.import_cases(db, lead, _csv(tmp_path / "c.csv", HEADER, rows))
    rule = "pathway = red AND age 11-17"
    cohort = SampleFilters(cohort=rule)
    expected = _expected(rows, "RED", 11, 17)
    assert 6 < len(expected) < 20
    _cohort_programme(world, "get-safe-1")
    assert set(programmes.candidate_cases(db, lead, cohort, programme_key="get-safe-1")) == (
        expected
    )
    first = programmes.draw_sample(db, lead, "get-safe-1", cohort, 5, seed=42)
    assert len(first) == 5 and set(first) <= expected
    _cohort_programme(world, "get-safe-2")
    again = programmes.draw_sample(db, lead, "get-safe-2", cohort, 5, seed=42)
    assert again == first
    other = programmes.draw_sample(db, lead, "get-safe-2", cohort, 5, seed=43)
    assert other != first and set(other) <= expected
    # The rule is kept with the sample and read back from it.
    kept = programmes.get_programme(db, lead, "get-safe-1").sample_filters
    assert kept is not None and kept.cohort == rule
    # The rule read back: its canonical line and its words.
    check = cohorts.check_cohort(db, lead, rule, on=START)
    assert check.rule == "pathway = RED and age 11-17"
    assert check.description == "Pathway: RED; aged 11 to 17 (age on 2026-01-01)"
    quoted = cohorts.check_cohort(db, lead, 'legal_status in "s.20" or "care order"')
    assert quoted.rule == 'legal_status in s.20, "Care order"'
    # Other conditions: MACE cases of either pathway; a text field; a range of numbers.
    mace = SampleFilters(cohort="mace is yes and pathway in RED, AMBER")
    assert set(programmes.candidate_cases(db, lead, mace)) == {
        r[0] for r in rows if r[6] == "yes" and r[4] in ("RED", "AMBER")
    }


def test_a_cohort_rule_that_cannot_be_used_is_refused_beside_its_field(world):
    define_fields(world)
    _cohort_programme(world, "p-rules")
    for rule, words in (
        ("colour = red", "no case field 'colour'"),
        ("pathway = PURPLE", "'PURPLE' is not one of"),
        ("pathway >= RED", "a range is for dates and numbers"),
        ("age 17-11", "ends before it starts"),
        ("pathway = RED and pathway = AMBER", "two conditions"),
        ("school contains", "needs a value"),
        ('school = "Northfield', "quote is not closed"),
    ):
        with pytest.raises(ValidationError) as caught:
            programmes.draw_sample(
                world.db, world.lead, "p-rules", SampleFilters(cohort=rule), 3, seed=1
            )
        assert words in caught.value.fields["cohort"], rule
    assert programmes.get_programme(world.db, world.lead, "p-rules").sample_seed is None
