"""The award timeline in words: one definition of the standstill sentence and the dates'
labels, for the committee's report, the letters to bidders and the award's open data."""

from __future__ import annotations

import datetime

from tenderscore.report.award_types import TimelinePart
from tenderscore.rules.working_days import STANDSTILL_WORKING_DAYS

HOLIDAY_WORDS = {
    "england_and_wales": "England and Wales",
    "scotland": "Scotland",
    "northern_ireland": "Northern Ireland",
    "united_kingdom": "any part of the United Kingdom",
}
NUMBER_WORDS = {8: "eight"}
STAGES = (
    ("tender_published", "Tender notice published"),
    ("submission_deadline", "Deadline for tenders"),
    ("evaluation_completed", "Evaluation and moderation completed"),
    ("approved", "Award decision approved"),
    ("summaries_sent", "Assessment summaries sent to the suppliers"),
    ("award_notice", "Contract award notice published"),
    ("standstill_ends", "Standstill period ends"),
)


def long_date(iso: str) -> str:
    """'2026-11-03' as 'Tuesday 3 November 2026'."""
    day = datetime.date.fromisoformat(iso[:10])
    return f"{day:%A} {day.day} {day:%B %Y}"


def _next_day(iso: str) -> str:
    return (datetime.date.fromisoformat(iso) + datetime.timedelta(days=1)).isoformat()


def timeline_rows(timeline: TimelinePart | None) -> list[tuple[str, str]]:
    """The known dates, in order, each with its label."""
    if timeline is None:
        return []
    return [
        (label, long_date(value))
        for key, label in STAGES
        if (value := timeline[key])  # type: ignore[literal-required]
    ]


def standstill_sentence(timeline: TimelinePart | None) -> str | None:
    """When the standstill period ends, said as the letters and the report say it."""
    if timeline is None or not timeline["standstill_ends"] or not timeline["award_notice"]:
        return None
    return (
        f"The contract award notice is published on {long_date(timeline['award_notice'])}. "
        f"The standstill period of {NUMBER_WORDS[STANDSTILL_WORKING_DAYS]} working days "
        "(Procurement Act 2023 "
        f"s51; bank holidays in {HOLIDAY_WORDS[timeline['holidays']]} are not working days) "
        f"ends at the end of {long_date(timeline['standstill_ends'])}: the contract will not "
        f"be entered into before {long_date(_next_day(timeline['standstill_ends']))}."
    )
