"""Notices: written with the event that makes them, each person reads and marks only their
own; and the e-mails of assignments, returns and urgent concerns through a local relay."""

from __future__ import annotations

import threading

import pytest

from audit_tool.errors import NotFound, ValidationError
from audit_tool.services import audits, mail, notices, programmes
from tests.factories import complete_review, final_audit, looped_audit
from tests.smtp_relay import smtp_relay

COMMENT = "Plans grade: see the March plan for Ellie"


def _texts(world, actor) -> list[str]:
    return [n.text for n in notices.list_notices(world.db, actor)]


def _returned(world) -> str:
    uuid = looped_audit(world)
    complete_review(world, world.auditor, uuid)
    complete_review(world, world.auditor2, uuid)
    review_b = audits.get_audit(world.db, world.moderator, uuid).reviews[1].uuid
    audits.return_review(world.db, world.moderator, review_b, COMMENT)
    return uuid


def test_assigning_tells_each_new_auditor_and_the_moderator(world):
    uuid = looped_audit(world)
    assert _texts(world, world.auditor) == ["Assigned to you by Priya Lead: Case C1000, as auditor"]
    assert _texts(world, world.auditor2) == [
        "Assigned to you by Priya Lead: Case C1000, as auditor"
    ]
    assert _texts(world, world.moderator) == [
        "Assigned to you by Priya Lead: Case C1000, as moderator"
    ]
    assert notices.list_notices(world.db, world.lead) == []
    (notice,) = notices.list_notices(world.db, world.auditor)
    assert (notice.kind, notice.audit_uuid, notice.case_ref, notice.unread) == (
        "assigned",
        uuid,
        "C1000",
        True,
    )
    # Changing one auditor tells only the new one.
    programmes.assign(world.db, world.lead, uuid, reviewers=["aud1", "lead1"], moderator="mod1")
    assert _texts(world, world.lead) == ["Assigned to you by Priya Lead: Case C1000, as auditor"]
    assert len(notices.list_notices(world.db, world.auditor)) == 1
    assert len(notices.list_notices(world.db, world.moderator)) == 1
    assert notices.unread_count(world.db, world.auditor2) == 1  # their notice stays


def test_a_return_tells_its_auditor_only_and_a_refused_return_tells_no_one(world):
    uuid = looped_audit(world)
    complete_review(world, world.auditor, uuid)
    complete_review(world, world.auditor2, uuid)
    review_b = audits.get_audit(world.db, world.moderator, uuid).reviews[1].uuid
    with pytest.raises(ValidationError):
        audits.return_review(world.db, world.moderator, review_b, "  ")
    assert notices.unread_count(world.db, world.auditor2) == 1
    audits.return_review(world.db, world.moderator, review_b, COMMENT)
    newest, oldest = notices.list_notices(world.db, world.auditor2)
    assert newest.text == "Returned to you by Morgan Moderator: Case C1000"
    assert (newest.kind, oldest.kind) == ("returned", "assigned")
    assert notices.unread_count(world.db, world.auditor) == 1  # their assignment only
    assert all(COMMENT not in n.text for n in notices.list_notices(world.db, world.auditor2))


def test_marking_read_one_or_all_and_never_another_persons(world):
    _returned(world)
    newest, oldest = notices.list_notices(world.db, world.auditor2)
    with pytest.raises(NotFound):
        notices.mark_read(world.db, world.auditor, newest.uuid)
    assert notices.unread_count(world.db, world.auditor2) == 2
    read = notices.mark_read(world.db, world.auditor2, newest.uuid)
    assert not read.unread and read.read_at is not None
    assert notices.unread_count(world.db, world.auditor2) == 1
    assert [n.uuid for n in notices.list_notices(world.db, world.auditor2, unread_only=True)] == [
        oldest.uuid
    ]
    assert notices.mark_all_read(world.db, world.auditor2) == 1
    assert notices.unread_count(world.db, world.auditor2) == 0
    assert notices.unread_count(world.db, world.auditor) == 1  # someone else's are untouched
    assert notices.mark_all_read(world.db, world.auditor2) == 0


def test_an_urgent_concern_tells_those_informed_who_use_the_app(world):
    uuid = looped_audit(world)
    notices.mark_all_read(world.db, world.auditor2)
    notices.mark_all_read(world.db, world.moderator)
    row = audits.raise_concern(world.db, world.auditor, uuid, what="Bruising seen on a visit")
    expected = "Urgent concern raised by Alex Auditor: Case C1000"
    for actor in (world.lead, world.moderator, world.auditor2):
        assert notices.list_notices(world.db, actor, unread_only=True)[0].text == expected
    assert expected not in _texts(world, world.auditor)  # the raiser
    assert notices.list_notices(world.db, world.viewer) == []
    assert any(name.startswith("Terry Manager") for name in row.informed)
    # The case's manager here also uses the app (an auditor), so is told.
    from audit_tool.services import reference

    manager = reference.actor_for(world.db, "tm1")
    assert _texts(world, manager) == [expected]


def test_confirming_tells_the_auditors(world):
    final_audit(world)
    for actor in (world.auditor, world.auditor2):
        assert _texts(world, actor)[0] == "Confirmed by Morgan Moderator: Case C1000"
    assert "Confirmed" not in " ".join(_texts(world, world.moderator))


def test_someone_without_a_person_sees_no_notices(world, system):
    looped_audit(world)
    assert notices.list_notices(world.db, system) == []
    assert notices.unread_count(world.db, system) == 0
    assert notices.mark_all_read(world.db, system) == 0


# ---------------------------------------------------------------- e-mail


def _relay_on(world, port: int, *, tls: bool = False) -> None:
    mail.save_mail_settings(
        world.db, world.lead, host="127.0.0.1", port=port, tls=tls, sender="audit@example.org"
    )
    for key in ("aud1", "aud2", "mod1"):
        mail.set_email(world.db, world.lead, key, f"{key}@example.org")


def test_assignments_returns_and_concerns_are_emailed_with_the_reference_only(world):
    with smtp_relay() as relay:
        _relay_on(world, relay.port)
        uuid = _returned(world)
        audits.raise_concern(world.db, world.auditor, uuid, what="Bruising seen on a visit")
        assert mail.wait_idle()
    to = [r.recipients for r in relay.received]
    assert to[:4] == [
        ["aud1@example.org"],
        ["aud2@example.org"],
        ["mod1@example.org"],
        ["aud2@example.org"],  # returned
    ]
    # The concern: the lead has no address, the raiser is not told.
    assert sorted(to[4:]) == [["aud2@example.org"], ["mod1@example.org"]]
    returned = relay.received[3]
    assert returned.sender == "audit@example.org"
    assert returned.message["Subject"] == "Audit Tool: a notice for you"
    assert returned.body == (
        "Audit Tool: an audit of case C1000 was returned to you by Morgan Moderator.\n\n"
        "Open Audit Tool to see it.\n"
    )
    everything = "".join(r.message.as_string() for r in relay.received)
    for secret in ("March plan", "Ellie", "Bruising", "AB", "Sam Worker"):
        assert secret not in everything
    assert "C1000" not in "".join(r.message["Subject"] for r in relay.received)


def test_a_failed_email_neither_blocks_nor_fails_the_action(world):
    with smtp_relay() as relay:
        port = relay.port
    _relay_on(world, port)  # nothing listens there now
    failed = mail.failures()
    uuid = looped_audit(world)
    assert mail.wait_idle()
    assert mail.failures() == failed + 3
    assert notices.unread_count(world.db, world.auditor) == 1
    assert audits.get_audit(world.db, world.lead, uuid).status == "in_review"


def test_a_slow_relay_does_not_hold_up_the_action(world):
    """The action returns, its notices written, while the relay has not even greeted."""
    with smtp_relay() as relay:
        relay.hold = threading.Event()
        _relay_on(world, relay.port)
        sent = mail.sent()
        try:
            uuid = looped_audit(world)
            assert relay.connected.wait(10)  # the e-mail is under way...
            assert relay.received == [] and mail.sent() == sent  # ...and not sent yet
            assert notices.unread_count(world.db, world.auditor) == 1
            assert audits.get_audit(world.db, world.lead, uuid).status == "in_review"
        finally:
            relay.hold.set()
        assert mail.wait_idle()
    assert mail.sent() == sent + 3 and len(relay.received) == 3


def test_a_relay_without_tls_gets_nothing_when_tls_is_on(world):
    with smtp_relay() as relay:
        _relay_on(world, relay.port, tls=True)
        failed = mail.failures()
        looped_audit(world)
        assert mail.wait_idle()
    assert relay.received == []
    assert mail.failures() == failed + 3


def test_one_refused_address_does_not_stop_the_others(world):
    with smtp_relay() as relay:
        relay.refuse.add("aud1@example.org")
        _relay_on(world, relay.port)
        sent, failed = mail.sent(), mail.failures()
        looped_audit(world)
        assert mail.wait_idle()
    assert [r.recipients for r in relay.received] == [["aud2@example.org"], ["mod1@example.org"]]
    assert (mail.sent(), mail.failures()) == (sent + 2, failed + 1)


def test_no_relay_set_up_sends_nothing(world):
    with smtp_relay() as relay:
        mail.set_email(world.db, world.lead, "aud1", "aud1@example.org")
        sent, failed = mail.sent(), mail.failures()
        looped_audit(world)
        assert mail.wait_idle()
    assert relay.received == [] and (mail.sent(), mail.failures()) == (sent, failed)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"host": "relay example", "sender": "a@example.org"}, "host"),
        ({"host": "relay.example.org", "sender": ""}, "sender"),
        ({"host": "relay.example.org", "sender": "not an address"}, "sender"),
        ({"host": "relay.example.org", "sender": "a@example.org", "port": 0}, "port"),
        ({"host": "relay.example.org", "sender": "a@example.org", "user": "a b"}, "user"),
    ],
)
def test_bad_relay_settings_are_refused_and_nothing_changes(world, fields, field):
    values = {"port": 587, "tls": True, **fields}
    with pytest.raises(ValidationError) as refused:
        mail.save_mail_settings(world.db, world.lead, **values)
    assert field in refused.value.fields
    assert mail.mail_settings(world.db, world.lead) == mail.MailSettings()


def test_the_relay_password_goes_to_the_keyring_not_the_database(world, memory_keyring):
    saved = mail.save_mail_settings(
        world.db,
        world.lead,
        host="relay.example.org",
        port=587,
        tls=True,
        sender="audit@example.org",
        user="audit-tool",
        password="relay secret 123",
    )
    assert memory_keyring.items == {(mail.KEYRING_SERVICE, saved.keyring_user): "relay secret 123"}
    from sqlalchemy import text

    with world.db.engine.connect() as conn:
        stored = " ".join(v for (v,) in conn.execute(text("SELECT value FROM settings")))
        logged = " ".join(
            str(r) for r in conn.execute(text("SELECT before, after, summary FROM change_log"))
        )
    assert "relay secret" not in stored and "relay secret" not in logged


@pytest.mark.parametrize("address", ["no-at-sign", "a@b", "a b@example.org", "a@x.org,b@x.org"])
def test_a_persons_email_must_be_one_address(world, address):
    with pytest.raises(ValidationError, match="one e-mail address"):
        mail.set_email(world.db, world.lead, "aud1", address)
    assert mail.set_email(world.db, world.lead, "aud1", " aud1@example.org ") == "aud1@example.org"
    assert mail.set_email(world.db, world.lead, "aud1", "") is None


def test_a_concern_raised_offline_tells_people_when_it_is_checked_in(world, tmp_path):
    from audit_tool.services import accounts, checkin, checkout
    from audit_tool.store import open_database

    _, password = accounts.create_account(world.db, world.lead, person_key="aud1", username="alex")
    uuid = looped_audit(world)
    notices.mark_all_read(world.db, world.moderator)
    path = tmp_path / "offline.sqlite"
    checkout.checkout(world.db, world.auditor, path)
    local = open_database(path, create=False)
    try:
        me = accounts.authenticate(local, "alex", password).actor
        audits.raise_concern(local, me, uuid, what="Offline: the child said they are scared")
    finally:
        local.close()
    assert notices.unread_count(world.db, world.moderator) == 0
    checkin.checkin(world.db, world.auditor, path)
    (notice,) = notices.list_notices(world.db, world.moderator, unread_only=True)
    assert notice.text == "Urgent concern raised by Alex Auditor: Case C1000"
    assert notices.list_notices(world.db, world.lead)[0].kind == "concern"
