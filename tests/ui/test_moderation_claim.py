"""The moderation screen claims the audit while open: a second window sees who has it and
cannot confirm or return; closing the first releases it."""

from __future__ import annotations

from audit_tool.services import claims
from audit_tool.ui.moderation_view import ModerationForm
from tests import factories


def test_second_window_sees_the_banner_and_cannot_confirm_until_released(
    qtbot, sqlite_world, show_window
):
    world = sqlite_world
    uuid = factories.looped_audit(world)
    factories.complete_review(world, world.auditor, uuid)
    factories.complete_review(world, world.auditor2, uuid)

    first = show_window(ModerationForm(world.db, world.moderator, uuid))
    assert first.claimed and first.confirm_button.isEnabled()
    assert not first.claim_banner.isVisible()
    holder = claims.current(world.db, "moderation", uuid)
    assert holder is not None and holder.holder_name == "Morgan Moderator"

    second = show_window(ModerationForm(world.db, world.moderator, uuid))
    assert not second.claimed
    assert second.claim_banner.isVisible()
    assert second.claim_banner.text() == (
        f"Being moderated by Morgan Moderator since {holder.since.astimezone():%H:%M}"
    )
    assert not second.confirm_button.isEnabled() and not second.return_button.isEnabled()

    # A QA lead reading the audit sees who is moderating it too.
    lead_view = show_window(ModerationForm(world.db, world.lead, uuid))
    assert lead_view.claim_banner.isVisible()
    assert "Morgan Moderator" in lead_view.claim_banner.text()

    first.close()
    assert claims.current(world.db, "moderation", uuid) is None
    second.renew_claim()  # what its timer does every 30 s
    assert second.claimed and second.confirm_button.isEnabled()
    assert not second.claim_banner.isVisible()
    second.close()
    assert claims.current(world.db, "moderation", uuid) is None
