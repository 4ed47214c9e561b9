"""The export document's award parts: the timeline, the open-data publication settings and
the bidders' identities (``report/types.py`` holds the rest of the document's types)."""

from __future__ import annotations

import datetime
from typing import Annotated

from pydantic import AfterValidator, Field
from typing_extensions import TypedDict

from tenderscore.input.publication import OCID_PREFIX, ProcurementMethod
from tenderscore.rules.working_days import Region as WorkingDayRegion


def _iso_date(text: str) -> str:
    """A date as ISO 8601 (YYYY-MM-DD), refused otherwise: the report prints it as a date."""
    datetime.date.fromisoformat(text)
    if len(text) != len("2026-10-23"):
        raise ValueError("expected a date as YYYY-MM-DD")
    return text


IsoDate = Annotated[str, AfterValidator(_iso_date)]


class TimelinePart(TypedDict):
    """The award's known dates (ISO), the standstill period's end, what is out of order."""

    tender_published: IsoDate | None
    submission_deadline: IsoDate | None
    evaluation_completed: IsoDate | None
    approved: IsoDate | None
    summaries_sent: IsoDate | None
    award_notice: IsoDate | None
    holidays: WorkingDayRegion
    closed_days: list[IsoDate]
    standstill_ends: IsoDate | None
    problems: list[str]


class BuyerIdentityPart(TypedDict):
    identifier: str | None
    address: str | None
    email: str | None


class PublicationPart(TypedDict):
    """How the award is published as open data (input/publication.py)."""

    ocid_prefix: Annotated[str, Field(pattern=OCID_PREFIX)]
    buyer: BuyerIdentityPart
    procurement_method: ProcurementMethod
    procurement_method_details: str


class SupplierPart(TypedDict):
    """A bidder's identity as its response form or bid file gives it."""

    legal_name: str
    address: str | None
    identifier: str | None
    email: str | None
