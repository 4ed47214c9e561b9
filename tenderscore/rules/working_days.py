"""Working days and the standstill period (Procurement Act 2023 s51).

The standstill period is eight working days beginning with the day the contract award notice is
published; the contract may not be entered into before it ends. A working day is any day but a
Saturday, a Sunday, Christmas Day, Good Friday and a bank holiday (Banking and Financial
Dealings Act 1971, with the holidays appointed by proclamation each year). Which bank holidays
count is chosen per tender: one part of the UK, or ``united_kingdom``, a bank holiday anywhere
in the UK (the Act's own definition, as the cautious reading: it never ends a standstill early).

Bank holidays follow the Act's schedule and the usual proclamations: a fixed-date holiday on a
weekend moves to the next weekday that is not already a holiday (so Christmas on a Saturday
gives Monday 27 and Tuesday 28 December). The one-off holidays proclaimed since 2020 are listed;
a new one is added in tender.yaml (``timeline.closed_days``) until it is listed here.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Literal

Region = Literal["england_and_wales", "scotland", "northern_ireland", "united_kingdom"]
REGIONS: tuple[Region, ...] = ("england_and_wales", "scotland", "northern_ireland")
STANDSTILL_WORKING_DAYS = 8

Day = datetime.date

ONE_OFF: dict[Region, dict[Day, str]] = {
    region: {
        Day(2022, 6, 3): "Platinum Jubilee",
        Day(2022, 9, 19): "State funeral of Queen Elizabeth II",
        Day(2023, 5, 8): "Coronation of King Charles III",
    }
    for region in REGIONS
}
MOVED: dict[Day, Day] = {
    Day(2020, 5, 4): Day(2020, 5, 8),  # early May, moved to VE Day's 75th anniversary
    Day(2022, 5, 30): Day(2022, 6, 2),  # spring, moved for the Platinum Jubilee
}


def easter_sunday(year: int) -> Day:
    """Easter Day in the Gregorian calendar (the anonymous Gregorian computus, as published
    by Nature in 1876)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return Day(year, month, day + 1)


def _first_monday(year: int, month: int) -> Day:
    first = Day(year, month, 1)
    return first + datetime.timedelta(days=(7 - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> Day:
    following = Day(year + month // 12, month % 12 + 1, 1)
    last = following - datetime.timedelta(days=1)
    return last - datetime.timedelta(days=last.weekday())


def _substituted(fixed: Iterable[Day], taken: set[Day]) -> set[Day]:
    """Fixed-date holidays: those on a weekday stay; each on a weekend, in date order, moves
    to the next weekday not already a holiday (Christmas on a Sunday: Boxing Day stays on
    Monday 26, Christmas is Tuesday 27)."""
    days = {day for day in fixed if day.weekday() < 5}
    for day in sorted(d for d in fixed if d.weekday() >= 5):
        while day.weekday() >= 5 or day in taken or day in days:
            day += datetime.timedelta(days=1)
        days.add(day)
    return days


def bank_holidays(year: int, region: Region) -> set[Day]:
    """The bank holidays (and Christmas Day and Good Friday) of ``year`` in ``region``."""
    if region == "united_kingdom":
        return set().union(*(bank_holidays(year, part) for part in REGIONS))
    easter = easter_sunday(year)
    moving = {
        easter - datetime.timedelta(days=2),  # Good Friday
        _first_monday(year, 5),
        _last_monday(year, 5),
        _first_monday(year, 8) if region == "scotland" else _last_monday(year, 8),
    }
    if region != "scotland":
        moving.add(easter + datetime.timedelta(days=1))  # Easter Monday
    moving = {MOVED.get(day, day) for day in moving}
    new_year = [Day(year, 1, 1), Day(year, 1, 2)] if region == "scotland" else [Day(year, 1, 1)]
    fixed = [*new_year, Day(year, 12, 25), Day(year, 12, 26)]
    if region == "scotland":
        fixed.append(Day(year, 11, 30))  # St Andrew's Day
    if region == "northern_ireland":
        fixed += [Day(year, 3, 17), Day(year, 7, 12)]  # St Patrick's Day, Battle of the Boyne
    holidays = moving | _substituted(fixed, moving)
    holidays |= {day for day in ONE_OFF[region] if day.year == year}
    holidays.add(Day(year, 12, 25))  # Christmas Day is never a working day, whatever it falls on
    return holidays


def is_working_day(day: Day, region: Region, closed: frozenset[Day] = frozenset()) -> bool:
    return day.weekday() < 5 and day not in closed and day not in bank_holidays(day.year, region)


def nth_working_day(
    start: Day, n: int, region: Region, closed: frozenset[Day] = frozenset()
) -> Day:
    """The ``n``-th working day of a period beginning with ``start`` (``start`` itself is the
    first when it is a working day)."""
    day, counted = start, 0
    while True:
        if is_working_day(day, region, closed):
            counted += 1
            if counted == n:
                return day
        day += datetime.timedelta(days=1)


def standstill_end(award_notice: Day, region: Region, closed: frozenset[Day] = frozenset()) -> Day:
    """The last day of the standstill period for a contract award notice published on
    ``award_notice``: the contract may be entered into from the next day."""
    return nth_working_day(award_notice, STANDSTILL_WORKING_DAYS, region, closed)
