"""What tender.yaml says about publishing the award: the dates it knows (``timeline``) and the
buyer's identity for open data (``publication``).

The award timeline gives the standstill period's end (``rules/working_days.py``) and the one
check on the order of things tenderscore can make from dates alone: assessment summaries go
to the suppliers before the contract award notice is published (Procurement Act 2023 s50).
"""

from __future__ import annotations

import datetime
import itertools
import re
from typing import Annotated, Literal

from pydantic import Field

from tenderscore.input.fields import Day, StrictModel, Text
from tenderscore.rules.working_days import Region, standstill_end

OCID_PREFIX = r"^ocds-[a-z0-9]{6}$"
ORG_ID = re.compile(r"(?P<scheme>[A-Z]{2}-[A-Z0-9]{2,12})-(?P<id>[A-Za-z0-9][A-Za-z0-9./-]*)")
"""An organisation identifier as org-id.guide writes one: scheme (country and register), then
the identifier in that register, e.g. GB-COH-01234567 (Companies House)."""

OrgIdentifier = Annotated[
    str,
    Field(
        pattern=r"^\S+$",
        min_length=1,
        max_length=100,
        description="An organisation identifier without spaces, e.g. GB-COH-01234567 (org-id.guide "
        "scheme, then the identifier in that register) or a company number.",
    ),
]

ProcurementMethod = Literal["open", "selective", "limited", "direct"]
"""OCDS's method codelist: open (open procedure), selective (competitive flexible with a
participation stage), limited and direct (direct award)."""


class Timeline(StrictModel):
    """The dates of the award that are known (all optional), for the standstill period and
    the order of the notices."""

    tender_published: Day | None = Field(None, description="The tender notice.")
    submission_deadline: Day | None = None
    evaluation_completed: Day | None = Field(
        None, description="The moderation meeting or the end of evaluation."
    )
    approved: Day | None = Field(
        None, description="The award decision (approval.yaml's date when not given)."
    )
    summaries_sent: Day | None = Field(
        None, description="Assessment summaries sent to the suppliers (before the notice)."
    )
    award_notice: Day | None = Field(
        None, description="The contract award notice published: the standstill begins."
    )
    holidays: Region = Field(
        "united_kingdom",
        description="Whose bank holidays are not working days: england_and_wales, scotland, "
        "northern_ireland, or united_kingdom (a bank holiday anywhere in the UK: the cautious "
        "reading of the Act's definition).",
    )
    closed_days: list[Day] = Field(
        default_factory=list,
        max_length=100,
        description="Other days that are not working days (a bank holiday proclaimed for one "
        "year only, not yet known to tenderscore).",
    )

    def standstill_ends(self) -> datetime.date | None:
        """The last day of the standstill period (the contract may be entered into from the
        next day), when the award notice date is known."""
        if self.award_notice is None:
            return None
        return standstill_end(self.award_notice, self.holidays, frozenset(self.closed_days))

    def order_problems(self) -> list[str]:
        """What is in the wrong order: the summaries must go before the notice, and each
        stage comes after the one before."""
        problems = []
        if self.summaries_sent and self.award_notice and self.summaries_sent > self.award_notice:
            problems.append(
                f"assessment summaries are dated {self.summaries_sent}, after the contract "
                f"award notice ({self.award_notice}): they must be sent first (Procurement Act "
                "2023 s50)"
            )
        decided = self.approved or self.evaluation_completed
        if self.summaries_sent and decided and self.summaries_sent < decided:
            problems.append(
                f"assessment summaries are dated {self.summaries_sent}, before the evaluation "
                f"was completed and the award decided ({decided}): they report the decision"
            )
        stages = [
            ("tender_published", self.tender_published),
            ("submission_deadline", self.submission_deadline),
            ("evaluation_completed", self.evaluation_completed),
            ("approved", self.approved),
            ("award_notice", self.award_notice),
        ]
        known = [(name, day) for name, day in stages if day is not None]
        problems += [
            f"{later} ({later_day}) is before {earlier} ({earlier_day})"
            for (earlier, earlier_day), (later, later_day) in itertools.pairwise(known)
            if later_day < earlier_day
        ]
        return problems


class BuyerIdentity(StrictModel):
    """The buyer as open data names it."""

    identifier: OrgIdentifier | None = None
    address: Text | None = None
    email: Text | None = None


class Publication(StrictModel):
    """How the award is published as open data (Open Contracting Data Standard)."""

    ocid_prefix: str = Field(
        pattern=OCID_PREFIX,
        description="The publisher's OCID prefix from the Open Contracting Partnership, e.g. "
        "ocds-b5fd17; the process's ocid is <prefix>-<reference>.",
    )
    buyer: BuyerIdentity = Field(default_factory=lambda: BuyerIdentity())
    procurement_method: ProcurementMethod = "open"
    procurement_method_details: Text = "Open procedure (Procurement Act 2023 s20(2)(a))"
