"""Accessible documents as tagged PDF/UA-1, typeset with Typst: the QA report and the briefing.

``document`` builds a plain document model (headings, paragraphs, lists, tables with header
rows, charts with alternative text); ``engine`` hands it to the fixed Typst layout in
resources/typst as JSON data and returns the PDF; ``report`` and ``briefing`` turn the report
dict and the ``BriefingDoc`` into that model. The designed print PDFs stay on reportlab."""
