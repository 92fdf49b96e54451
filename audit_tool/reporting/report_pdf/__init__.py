"""The quarterly QA report as a PDF: a board-ready A4 document drawn from a report JSON v1 dict
(shared/INTERFACES.md) with its optional keys.

Pages: a cover; contents and how to read the report; an executive summary of the last period
against the one before; then one section per topic (grades; practice areas; moderation;
family feedback; learning follow-up; monthly audit compliance), each with tables and
reportlab vector charts. Every figure printed comes from the report or from its counts (a
percentage of counts is rounded half-up to one decimal, like the report's own). The pages read
in greyscale: charts carry their numbers, grades use shades plus a hatch, the heat map prints
its values and counts. Empty periods print "No final audits in this period" rather than an empty
chart. All data text goes through ``style.inline`` (Paragraphs) or ``style.clean`` (canvas).

The package: ``document`` (page templates and the build loop), ``context`` (what every section
is drawn with), ``view`` (the report read for print), ``tables``, ``charts``, ``front`` (cover
and contents) and one module per section, each with a ``render(ctx)``.
"""

from audit_tool.reporting.report_pdf.document import render_report_pdf
from audit_tool.reporting.report_pdf.view import SECTIONS

__all__ = ["SECTIONS", "render_report_pdf"]
