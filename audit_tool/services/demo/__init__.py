"""Deterministic synthetic demo data: a county partnership's teams, cases and two years of audits.

Everything comes from one seeded `random.Random` and the `today` anchor, so the same seed and
day give the same rows, uuids included. Rows go in with SQLAlchemy Core bulk inserts, in chunks,
with ids allocated here, inside one transaction: a failure or a cancel leaves nothing behind.

One module per aggregate, each adding its stage to the builder (base, then people, grades,
cases, programmes, feedback, learning, moderation, audits, complaints); builder.generate runs
them.
"""

from audit_tool.errors import Cancelled
from audit_tool.services.demo.builder import DemoSummary, generate
from audit_tool.services.demo.people import DEMO_PASSWORD

__all__ = ["DEMO_PASSWORD", "Cancelled", "DemoSummary", "generate"]
