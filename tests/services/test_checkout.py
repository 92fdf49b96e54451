"""Offline check-out and check-in against a team server (SQLite and PostgreSQL as the server):
the acceptance scenario, blindness in the offline file, refusals, and an encrypted file."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from audit_tool.access.actors import Actor
from audit_tool.errors import (
    ConflictError,
    EncryptionKeyError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from audit_tool.models import ChangeLogEntry
from audit_tool.models.coordination import Checkout
from audit_tool.services import accounts, audits, checkin, checkout, learning
from audit_tool.store import open_database
from tests.factories import World, looped_audit
from tests.services.test_audits import complete

PASSPHRASE = "correct horse battery staple"


def _review(db, actor, audit_uuid):
    view = audits.get_audit(db, actor, audit_uuid)
    return view.review(view.my_review)


def _open_checkouts(db) -> dict[str, bool]:
    """Audit uuid -> still checked out, for every checkout on the server."""
    from audit_tool.models import Audit

    with db.session() as session:
        rows = session.execute(select(Audit.uuid, Checkout.checked_in_at).join(Audit))
        return {uuid: at is None for uuid, at in rows}


def _three(world):
    return [looped_audit(world, ref=ref) for ref in ("C1000", "C1001", "C1002")]


def _login_offline(path, world, password, key=None):
    local = open_database(path, create=False, key=key)
    actor = accounts.authenticate(local, "alex", password).actor
    assert actor.key == "aud1" and "auditor" in actor.roles
    return local, actor


def test_checked_out_edited_offline_conflict_on_server_reported_rest_applied(world, tmp_path):
    _, password = accounts.create_account(world.db, world.lead, person_key="aud1", username="alex")
    a1, a2, a3 = _three(world)
    bea = _review(world.db, world.auditor2, a1).uuid
    audits.save_review(world.db, world.auditor2, bea, strengths="Bea's blind words")
    path = tmp_path / "offline.sqlite"

    result = checkout.checkout(world.db, world.auditor, path)
    assert {a.audit_uuid for a in result.audits} == {a1, a2, a3}
    assert _open_checkouts(world.db) == {a1: True, a2: True, a3: True}
    # The other auditor's blind review did not travel.
    assert b"Bea's blind words" not in path.read_bytes()

    # Offline: the auditor logs in with their usual password and works on all three.
    local, me = _login_offline(path, world, password)
    try:
        for uuid in (a1, a2, a3):
            review = _review(local, me, uuid)
            audits.save_review(local, me, review.uuid, strengths=f"Offline notes {uuid[:4]}")
        learning.add_learning_point(local, me, a3, kind="strength", text="Offline learning")
        # A child may be unsafe now: raised offline, on the audit that will conflict.
        audits.raise_concern(local, me, a2, what="Offline: the child said they are scared")
        assert len(audits.get_audit(local, me, a1).reviews) == 2
    finally:
        local.close()

    # Meanwhile on the server the other auditor changes audit 2.
    bea2 = _review(world.db, world.auditor2, a2).uuid
    audits.save_review(world.db, world.auditor2, bea2, strengths="Bea's server words")
    server_a2 = audits.get_audit(world.db, world.lead, a2)

    report = checkin.checkin(world.db, world.auditor, path)

    assert {a.audit_uuid for a in report.applied} == {a1, a3}
    assert [c.audit_uuid for c in report.conflicts] == [a2]
    # The concern reached the server all the same, open, raised by the auditor.
    assert report.concerns == ["C1001"]
    assert "urgent concern raised offline, now on the server: case C1001" in report.lines()
    from audit_tool.models import UrgentConcern

    with world.db.session() as session:
        (concern,) = session.scalars(select(UrgentConcern)).all()
        assert concern.status == "open" and concern.raised_by_id == world.auditor.person_id
        assert concern.what == "Offline: the child said they are scared"
    conflict = report.conflicts[0]
    assert conflict.case_ref == "C1001" and conflict.changed_by == "Bea Auditor"
    assert conflict.changed_at is not None and "conflict: case C1001" in "\n".join(report.lines())
    # Applied: the offline text is on the server, the other auditor's review untouched.
    assert _review(world.db, world.auditor, a1).strengths == f"Offline notes {a1[:4]}"
    assert _review(world.db, world.auditor, a3).strengths == f"Offline notes {a3[:4]}"
    assert _review(world.db, world.auditor2, a1).strengths == "Bea's blind words"
    assert [p.text for p in learning.audit_learning(world.db, world.lead, a3)] == [
        "Offline learning"
    ]
    # The conflict: the server's version exactly as it was.
    assert audits.get_audit(world.db, world.lead, a2) == server_a2
    assert _open_checkouts(world.db) == {a1: False, a2: True, a3: False}
    with world.db.session() as session:
        logged = session.scalar(
            select(func.count(ChangeLogEntry.id)).where(ChangeLogEntry.action == "checkin")
        )
    assert logged == 2

    # Resolving: discarding the conflicting change closes the checkout, the server keeps its text.
    again = checkin.checkin(world.db, world.auditor, path, discard_conflicts=True)
    assert [c.audit_uuid for c in again.discarded] == [a2] and not again.applied
    assert again.concerns == []  # brought in once
    # The same audit, no longer checked out.
    assert server_a2.checked_out is not None
    assert audits.get_audit(world.db, world.lead, a2) == replace(server_a2, checked_out=None)
    assert _open_checkouts(world.db) == {a1: False, a2: False, a3: False}
    with pytest.raises(ValidationError, match="already checked in"):
        checkin.checkin(world.db, world.auditor, path)


def test_submitting_offline_moves_the_audit_on_the_server(world, tmp_path):
    uuid = looped_audit(world)
    complete(world, world.auditor2, uuid)
    path = tmp_path / "offline.sqlite"
    checkout.checkout(world.db, world.auditor, path, audit_uuids=[uuid])
    local = open_database(path, create=False)
    try:
        from audit_tool.services import reference

        me = reference.actor_for(local, "aud1")
        # The other review travels as a submitted placeholder without its grades or text, so
        # submitting offline makes the audit ready to moderate in the file too.
        offline = World(db=local, lead=me, auditor=me, auditor2=me, moderator=me, viewer=me)
        complete(offline, me, uuid)
        assert audits.get_audit(local, me, uuid).status == "in_moderation"
        other = [r for r in audits.get_audit(local, me, uuid).reviews if r.reviewer_key != "aud1"]
        assert other[0].overall is None and not other[0].answers
    finally:
        local.close()
    report = checkin.checkin(world.db, world.auditor, path)
    assert [a.audit_uuid for a in report.applied] == [uuid]
    view = audits.get_audit(world.db, world.moderator, uuid)
    assert view.status == "in_moderation"
    assert all(r.status == "submitted" and r.overall for r in view.reviews)


def test_refusals_change_nothing_on_the_server(world, tmp_path):
    a1 = looped_audit(world)
    other = reference_actor(world, "tm1")  # an auditor, but not of this audit
    with pytest.raises(PermissionDenied, match="not an auditor"):
        checkout.checkout(world.db, other, tmp_path / "x.sqlite", audit_uuids=[a1])
    with pytest.raises(PermissionDenied, match="not a person"):
        checkout.checkout(world.db, Actor.system(), tmp_path / "x.sqlite")
    with pytest.raises(PermissionDenied, match="may not complete an audit review"):
        checkout.checkout(world.db, world.viewer, tmp_path / "x.sqlite")
    with pytest.raises(NotFound):
        checkout.checkout(world.db, world.auditor, tmp_path / "x.sqlite", audit_uuids=["nope"])
    existing = tmp_path / "exists.sqlite"
    existing.write_bytes(b"")
    with pytest.raises(ValidationError, match="already exists"):
        checkout.checkout(world.db, world.auditor, existing)
    assert not (tmp_path / "x.sqlite").exists()
    assert _open_checkouts(world.db) == {}

    checkout.checkout(world.db, world.auditor, tmp_path / "alex.sqlite", audit_uuids=[a1])
    with pytest.raises(ConflictError, match="already checked out by Alex Auditor"):
        checkout.checkout(world.db, world.auditor2, tmp_path / "bea.sqlite", audit_uuids=[a1])
    assert not (tmp_path / "bea.sqlite").exists()
    with pytest.raises(ValidationError, match="no audit to check out"):
        checkout.checkout(world.db, world.auditor2, tmp_path / "bea.sqlite")
    listed = checkout.candidates(world.db, world.auditor2)
    assert [(c.case_ref, c.checked_out_by) for c in listed] == [("C1000", "Alex Auditor")]
    # Only the person who checked it out checks it in.
    with pytest.raises(PermissionDenied, match="checked out by Alex Auditor"):
        checkin.checkin(world.db, world.auditor2, tmp_path / "alex.sqlite")
    assert _open_checkouts(world.db) == {a1: True}


def reference_actor(world, key):
    from audit_tool.services import reference

    return reference.actor_for(world.db, key)


def test_a_file_from_another_server_is_refused(world, tmp_path, system):
    from tests.factories import build_world

    elsewhere = open_database(tmp_path / "elsewhere.sqlite")
    try:
        other_world = build_world(elsewhere, system)
        looped_audit(other_world)
        checkout.checkout(elsewhere, other_world.auditor, tmp_path / "from-elsewhere.sqlite")
    finally:
        elsewhere.close()
    looped_audit(world)
    with pytest.raises(ValidationError, match="not checked out from this server"):
        checkin.checkin(world.db, world.auditor, tmp_path / "from-elsewhere.sqlite")
    plain = open_database(tmp_path / "plain.sqlite")
    plain.close()
    with pytest.raises(ValidationError, match="not checked out from a team server"):
        checkin.checkin(world.db, world.auditor, tmp_path / "plain.sqlite")
    with pytest.raises(ValidationError, match="no such file"):
        checkin.checkin(world.db, world.auditor, tmp_path / "missing.sqlite")


def test_an_encrypted_offline_file(world, tmp_path):
    from audit_tool.store import crypto

    _, password = accounts.create_account(world.db, world.lead, person_key="aud1", username="alex")
    a1 = looped_audit(world)
    path = tmp_path / "offline.sqlite"
    with pytest.raises(ValidationError, match="at least"):
        checkout.checkout(world.db, world.auditor, path, passphrase="short")
    assert not path.exists() and _open_checkouts(world.db) == {}

    result = checkout.checkout(world.db, world.auditor, path, passphrase=PASSPHRASE)
    assert result.encrypted and crypto.is_encrypted(path)
    data = path.read_bytes()
    assert b"C1000" not in data and b"Alex Auditor" not in data
    with pytest.raises(EncryptionKeyError):
        checkin.checkin(world.db, world.auditor, path)
    local, me = _login_offline(path, world, password, key=PASSPHRASE)
    try:
        review = _review(local, me, a1)
        audits.save_review(local, me, review.uuid, worries="Written on the train")
    finally:
        local.close()
    report = checkin.checkin(world.db, world.auditor, path, passphrase=PASSPHRASE)
    assert [a.case_ref for a in report.applied] == ["C1000"]
    assert _review(world.db, world.auditor, a1).worries == "Written on the train"


def test_the_audit_says_it_is_checked_out_on_the_server_and_in_the_file(world, tmp_path):
    """Whoever opens a checked-out audit on the server is told who took it offline and when
    (their changes would stop the offline ones at check-in); the laptop file says where its
    copy came from. Checking in clears both."""
    a1 = looped_audit(world, ref="C1000")
    path = tmp_path / "offline.sqlite"
    assert audits.get_audit(world.db, world.auditor2, a1).checked_out is None
    checkout.checkout(world.db, world.auditor, path, audit_uuids=[a1])

    note = audits.get_audit(world.db, world.auditor2, a1).checked_out
    assert note is not None and not note.offline_copy
    assert note.person_name == "Alex Auditor" and "offline.sqlite" in note.label
    text = note.banner(world.auditor2)
    assert text.startswith("Alex Auditor checked this audit out on ")
    assert "offline.sqlite" in text and "reported as a conflict" in text
    assert (
        audits.get_audit(world.db, world.auditor, a1)
        .checked_out.banner(world.auditor)
        .startswith("You checked this audit out on ")
    )

    local = open_database(path, create=False)
    try:
        offline = audits.get_audit(local, Actor.system("test"), a1).checked_out
        assert offline is not None and offline.offline_copy
        assert offline.label == world.db.display_name
        assert offline.banner(world.auditor).startswith(
            f"Offline copy, checked out from {world.db.display_name} on "
        )
        assert "(File > Check in offline work...)" in offline.banner(world.auditor)
    finally:
        local.close()

    checkin.checkin(world.db, world.auditor, path)
    assert audits.get_audit(world.db, world.auditor2, a1).checked_out is None
