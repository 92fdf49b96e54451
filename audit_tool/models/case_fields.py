"""Case fields: what a partnership records about its cases beyond the fixed fields (pathway,
legal status, forum, referral source, level requested and decided, school, a date of birth),
and each case's values of them."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from audit_tool.models.base import Base, HasUuid, Timestamped

CASE_FIELD_KINDS = ("text", "choice", "yes_no", "date", "number")
CASE_FIELD_KIND_LABELS = {
    "text": "Text",
    "choice": "Choice",
    "yes_no": "Yes or no",
    "date": "Date",
    "number": "Number",
}
VALUE_LENGTH = 200


class CaseField(HasUuid, Timestamped, Base):
    """A field a QA lead defines; its key names its column in a case extract and a pack."""

    __tablename__ = "case_fields"
    key: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(10))
    # A choice field's options, in the order they are offered; None for other kinds.
    options: Mapped[list[str] | None] = mapped_column(JSON)
    # A date field: refuse dates after today (the rule for most recorded dates).
    not_future: Mapped[bool] = mapped_column(Boolean, default=True)
    # The case's date of birth (at most one field): the age at audit is worked out from it.
    birth_date: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)


class CaseFieldValue(Base):
    """One case's value of one field: text as the application checked it (an option as it is
    spelt in the field, "yes"/"no", an ISO date, a number), and a number also as a number."""

    __tablename__ = "case_field_values"
    __table_args__ = (
        UniqueConstraint("case_id", "field_id"),
        Index("ix_case_field_values_field_id_value", "field_id", "value"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("case_fields.id", ondelete="CASCADE"))
    value: Mapped[str] = mapped_column(String(VALUE_LENGTH))
    number: Mapped[float | None] = mapped_column(Float)
