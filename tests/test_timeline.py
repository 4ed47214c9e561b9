"""The award timeline: bank holidays by part of the UK, the standstill period of eight working
days from the contract award notice (Procurement Act 2023 s51), and the summaries before the
notice (s50)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tenderscore.input.publication import Timeline
from tenderscore.rules.working_days import (
    REGIONS,
    STANDSTILL_WORKING_DAYS,
    Region,
    bank_holidays,
    easter_sunday,
    is_working_day,
    standstill_end,
)

from conftest import copy_example, run_cli

D = datetime.date


def _days(year: int, *month_days: tuple[int, int]) -> set[D]:
    return {D(year, month, day) for month, day in month_days}


# As published on gov.uk/bank-holidays (Christmas Day on a weekend is listed with its
# substitute; tenderscore keeps Christmas Day itself too, which changes no working day).
GOV_UK: dict[tuple[Region, int], set[D]] = {
    ("england_and_wales", 2025): _days(
        2025, (1, 1), (4, 18), (4, 21), (5, 5), (5, 26), (8, 25), (12, 25), (12, 26)
    ),
    ("england_and_wales", 2026): _days(
        2026, (1, 1), (4, 3), (4, 6), (5, 4), (5, 25), (8, 31), (12, 25), (12, 28)
    ),
    ("england_and_wales", 2027): _days(
        2027, (1, 1), (3, 26), (3, 29), (5, 3), (5, 31), (8, 30), (12, 27), (12, 28)
    ),
    ("scotland", 2025): _days(
        2025, (1, 1), (1, 2), (4, 18), (5, 5), (5, 26), (8, 4), (12, 1), (12, 25), (12, 26)
    ),
    ("scotland", 2026): _days(
        2026, (1, 1), (1, 2), (4, 3), (5, 4), (5, 25), (8, 3), (11, 30), (12, 25), (12, 28)
    ),
    ("northern_ireland", 2025): _days(
        2025,
        (1, 1),
        (3, 17),
        (4, 18),
        (4, 21),
        (5, 5),
        (5, 26),
        (7, 14),
        (8, 25),
        (12, 25),
        (12, 26),
    ),
    ("northern_ireland", 2026): _days(
        2026,
        (1, 1),
        (3, 17),
        (4, 3),
        (4, 6),
        (5, 4),
        (5, 25),
        (7, 13),
        (8, 31),
        (12, 25),
        (12, 28),
    ),
    ("england_and_wales", 2023): _days(
        2023, (1, 2), (4, 7), (4, 10), (5, 1), (5, 8), (5, 29), (8, 28), (12, 25), (12, 26)
    ),
}


@pytest.mark.parametrize(("region", "year"), GOV_UK)
def test_bank_holidays_are_those_gov_uk_publishes(region: Region, year: int) -> None:
    christmas = D(year, 12, 25)
    assert bank_holidays(year, region) - {christmas} == GOV_UK[region, year] - {christmas}


def test_easter_by_the_computus() -> None:
    known = [D(2000, 4, 23), D(2008, 3, 23), D(2019, 4, 21), D(2024, 3, 31), D(2025, 4, 20)]
    known += [D(2026, 4, 5), D(2027, 3, 28), D(2038, 4, 25)]
    assert [easter_sunday(day.year) for day in known] == known


@pytest.mark.parametrize(
    ("notice", "region", "ends"),
    [
        # Friday 23 October 2026: 23, 26-30 October, 2 and 3 November
        (D(2026, 10, 23), "england_and_wales", D(2026, 11, 3)),
        # a Saturday: the period begins with the next working day, Monday 26 October
        (D(2026, 10, 24), "england_and_wales", D(2026, 11, 4)),
        # over Christmas: 22-24 December, 29-31 December, 4 and 5 January (28 December and
        # 1 January are bank holidays)
        (D(2026, 12, 22), "england_and_wales", D(2027, 1, 5)),
        # in Scotland 2 January 2027 (a Saturday) is a holiday moved to Monday 4 January
        (D(2026, 12, 22), "scotland", D(2027, 1, 6)),
        # anywhere in the UK: St Andrew's Day (Monday 30 November 2026, Scotland) counts too
        (D(2026, 11, 24), "england_and_wales", D(2026, 12, 3)),
        (D(2026, 11, 24), "united_kingdom", D(2026, 12, 4)),
    ],
)
def test_the_standstill_period_by_hand(notice: D, region: Region, ends: D) -> None:
    assert standstill_end(notice, region) == ends


@given(
    st.dates(min_value=D(2020, 1, 1), max_value=D(2040, 12, 31)),
    st.sampled_from([*REGIONS, "united_kingdom"]),
)
def test_the_standstill_period_is_eight_working_days(notice: D, region: Region) -> None:
    ends = standstill_end(notice, region)
    span = [notice + datetime.timedelta(days=k) for k in range((ends - notice).days + 1)]
    assert sum(is_working_day(day, region) for day in span) == STANDSTILL_WORKING_DAYS
    assert is_working_day(ends, region)
    assert (ends - notice).days >= STANDSTILL_WORKING_DAYS - 1
    # the whole United Kingdom's holidays never give an earlier end than one part's
    assert standstill_end(notice, "united_kingdom") >= ends


def test_a_closed_day_tender_yaml_adds_is_not_a_working_day() -> None:
    timeline = Timeline(award_notice=D(2026, 10, 23), closed_days=[D(2026, 10, 26)])
    assert timeline.standstill_ends() == D(2026, 11, 4)


def test_summaries_after_the_notice_are_a_warning(tmp_path: Path) -> None:
    tender = copy_example(tmp_path)
    config = yaml.safe_load((tender / "tender.yaml").read_text())
    config["timeline"]["summaries_sent"] = datetime.date(2026, 10, 26)
    (tender / "tender.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    result = run_cli(["evaluate", tender, "--no-export"])
    assert "assessment summaries are dated 2026-10-26, after the contract award notice" in (
        result.stdout
    )
    assert (
        Timeline(summaries_sent=D(2026, 10, 22), award_notice=D(2026, 10, 23)).order_problems()
        == []
    )


def test_a_quoted_date_is_a_date_and_summaries_before_the_decision_are_a_warning() -> None:
    timeline = Timeline.model_validate(
        {"award_notice": "2026-10-23", "approved": "2026-10-20", "summaries_sent": "2026-10-19"}
    )
    assert timeline.award_notice == D(2026, 10, 23)
    (problem,) = timeline.order_problems()
    assert "dated 2026-10-19, before the evaluation was completed and the award decided" in problem
