"""The Briefings view, a package with one module per part: 7-minute learning briefings drafted,
edited, checked, exported, published and recorded where they were used.

A QA lead drafts a briefing from a programme's final audits, those carrying a theme tag, or
audits picked by hand ("New briefing..."), then edits its title, audience and seven sections
side by side with the list. Each section is a rich-text box kept in the briefing's light
Markdown, with its word count against the page-one budget and a button that drafts it again
from the audits. Edits save a few seconds after typing stops. "Check for names..." lists the
identifying details still in the text; a lead may allow one with a reason. "Export PDF..."
writes the designed PDF (and, by default, the text-only PDF and the .txt beside it) off the GUI
thread. Publishing freezes the text and the PDF; "New version" makes an editable copy. The
register of where a published briefing was used sits in its own tab. Everyone else reads the
published briefings and exports them.

The parts, one module each: view (BriefingsView, which holds the open briefing and ties the
parts together), actions (the commands as QActions), list_panel (the list and the empty state),
editor (the open briefing: facts, title, audience, tabs, save status), sections (the section
boxes and the Text tab), formatting (bold, italic, bullets), names_check (its tab and Check /
Allow), usage (where it was used, Record use), saving (autosave and conflicts), drafting (New
briefing, New version, Redraft), export_publish (the two commands run in the background, with
the busy indicator), new_dialog and dialogs, models (the Qt table models), common (shared
wording and helpers)."""

from audit_tool.ui.briefings.view import BriefingsView

__all__ = ["BriefingsView"]
