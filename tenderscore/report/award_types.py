"""The export document's award parts: the timeline, the open-data publication settings and
the bidders' identities (``report/types.py`` holds the rest of the document's types)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from typing_extensions import TypedDict

from tenderscore.input.publication import OCID_PREFIX, ProcurementMethod
from tenderscore.rules.working_days import Region as WorkingDayRegion


class TimelinePart(TypedDict):
    """The award's known dates (ISO), the standstill period's end, what is out of order."""

    tender_published: str | None
    submission_deadline: str | None
    evaluation_completed: str | None
    approved: str | None
    summaries_sent: str | None
    award_notice: str | None
    holidays: WorkingDayRegion
    closed_days: list[str]
    standstill_ends: str | None
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
