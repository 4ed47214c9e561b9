"""Inputs that validated but crashed or misled: each is now a located exit 2 or handled
(issue: inputs, 'inputs that crash or stall'). Built from the shipped example in the test."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLE, run_cli

ALBION = "bids/albion-analytics.yaml"


@pytest.fixture
def tender(tmp_path: Path) -> Path:
    """The example, unlocked: these tests change its published rules on purpose."""
    target = tmp_path / "tender"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("out", "criteria.lock.yaml"))
    return target


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_a_price_of_zero_under_linear_range_evaluates(tender: Path) -> None:
    """Formula robustness left the formulas that divide by the price out (log(0) went into the
    JSON as -inf and nothing was written for anyone)."""
    _replace(tender / "tender.yaml", "formula: relative_to_lowest", "formula: linear_range")
    _replace(tender / "tender.yaml", "discount_rate: 0.035", "discount_rate: 0")  # totals
    bid = tender / ALBION
    bid.write_text(
        re.sub(
            r"price:\n  whole_life:.*?answers:",
            "price:\n  total: 0\nanswers:",
            bid.read_text(),
            flags=re.S,
        )
        + "investigation: The bidder confirmed in writing that the service is offered free of "
        "charge as a pilot extension, funded by its research budget.\n"
    )
    run_cli(["evaluate", tender, "--format", "json"])
    saved = (tender / "out" / "WPF-2026-DA-014-evaluation.json").read_text()
    assert '"formula": "logarithmic"' not in saved
    assert '"formula": "linear_range"' in saved


def test_a_plain_total_in_a_discounting_tender_is_refused_with_the_fix(tender: Path) -> None:
    """Present values against a nominal total, compared with no word, until this check."""
    bid = tender / ALBION
    bid.write_text(
        re.sub(
            r"price:\n  whole_life:.*?answers:",
            "price:\n  total: 2500000\nanswers:",
            bid.read_text(),
            flags=re.S,
        )
    )
    result = run_cli(["validate", tender], exit_code=2)
    assert "albion-analytics.yaml:9:10: price.total: a plain total cannot be" in result.stderr
    assert "price.total" in result.stderr
    assert "discounts whole-life costs at 3.5% a year" in result.stderr
    assert "give the costs as price.whole_life" in result.stderr


def test_a_negative_adjustment_under_the_absolute_formula_evaluates(tender: Path) -> None:
    _replace(
        tender / "tender.yaml",
        "formula: relative_to_lowest",
        "formula: absolute\n  floor: 1000000\n  ceiling: 9000000",
    )
    _replace(tender / ALBION, "unit_cost: 410", "unit_cost: -900000")
    run_cli(["evaluate", tender, "--no-export"])


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "implementation: 420000",
            "implementation: 1.0e+308",
            ":11:23: price.whole_life.one_off.implementation: expected a number at most 1e+15",
        ),
        (
            "explanation_turnaround: 5",
            "explanation_turnaround: 1.7e+308",
            ":29:27: answers.explanation_turnaround: expected a number between -1e+15 and 1e+15",
        ),
        (
            "explanation_turnaround: 5",
            "explanation_turnaround: -.inf",
            "answers.explanation_turnaround: expected a number between -1e+15 and 1e+15",
        ),
    ],
)
def test_figures_beyond_any_contract_are_refused_at_their_line(
    tender: Path, old: str, new: str, message: str
) -> None:
    _replace(tender / ALBION, old, new)
    assert message in run_cli(["validate", tender], exit_code=2).stderr


def test_weights_and_scales_are_bounded(tender: Path) -> None:
    assert "each number from 0 to 1e+06" in (
        run_cli(["evaluate", tender, "--weights", "cost=inf"], exit_code=2).stderr
    )
    assert (
        "got 'cost=nan'"
        in run_cli(["evaluate", tender, "--weights", "cost=nan"], exit_code=2).stderr
    )
    _replace(tender / "tender.yaml", "weights: {cost: 30,", "weights: {cost: 1.0e+308,")
    message = run_cli(["validate", tender], exit_code=2).stderr
    assert "scenarios.ethics-led.weights.cost: expected a number at most 1e+06" in message


def test_a_scale_of_a_billion_billion_points_is_refused(tmp_path: Path) -> None:
    """`sheets` ran for more than ten minutes over a scale with max 10^18."""
    criteria = (EXAMPLE.parent.parent / "criteria" / "police-data-platform.yaml").read_text()
    tender = tmp_path / "tender"
    shutil.copytree(EXAMPLE, tender, ignore=shutil.ignore_patterns("out"))
    (tender / "criteria.yaml").write_text(
        criteria.replace("scale: {min: 0, max: 5", "scale: {min: 0, max: 1000000000000000000", 1)
        if "scale: {min: 0, max: 5" in criteria
        else criteria.replace("max: 5", "max: 1000000000000000000", 1)
    )
    _replace(tender / "tender.yaml", "criteria: police-data-platform", "criteria: criteria.yaml")
    message = run_cli(["validate", tender], exit_code=2).stderr
    assert "a scoring scale spans at most 100 points" in message


def test_a_supplier_named_like_mathematics_is_drawn_as_text(tender: Path) -> None:
    _replace(tender / ALBION, "name: Albion Analytics Ltd", r'name: "A$^$ Ltd\x07"')
    run_cli(["evaluate", tender, "--format", "md"])
    chart = (tender / "out" / "WPF-2026-DA-014-points.svg").read_text()
    assert "A$^$ Ltd" in chart
    assert "\x07" not in chart


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "implementation: 420000",
            "implementation: '420000'",
            "expected a number; got '420000' (str) (a number typed as text: remove the quotes)",
        ),
        (
            "implementation: 420000",
            "implementation: '420,000'",
            "(write numbers without thousands separators: 420000)",
        ),
        (
            "    exit: 150000",
            "    exit: [150000]",
            "price.whole_life.exit: expected a number; got a list of 1",
        ),
    ],
)
def test_messages_say_how_to_fix_the_commonest_slips(
    tender: Path, old: str, new: str, message: str
) -> None:
    _replace(tender / ALBION, old, new)
    assert message in run_cli(["validate", tender], exit_code=2).stderr


def test_an_empty_criteria_list_is_one_problem(tender: Path) -> None:
    """It validated, then every bid's answers were 'no such criterion' (104 problems)."""
    _replace(tender / "tender.yaml", "criteria: police-data-platform", "criteria: []")
    message = run_cli(["validate", tender], exit_code=2).stderr
    assert message.endswith(
        "criteria: expected at least 1 item(s); got a list of 0\n1 problem found.\n"
    )


def test_init_refuses_a_reference_that_would_inject_yaml(tmp_path: Path) -> None:
    result = run_cli(["init", tmp_path / "t", "--reference", "R1\nbuyer: X"], exit_code=2)
    assert "--reference must be letters, digits" in result.stderr
    assert not (tmp_path / "t").exists()


def test_odd_files_in_bids_are_refused_without_hanging_or_leaking(
    tender: Path, tmp_path: Path
) -> None:
    """A FIFO hung the tool, a link to /dev/zero ran it out of memory, and a link to a file
    outside the tender printed that file's first line in the error."""
    import os

    secret = tmp_path / "secret.yaml"
    secret.write_text("root:x:0:0:the first line of a private file\n")
    os.mkfifo(tender / "bids" / "pipe.yaml")
    (tender / "bids" / "zero.yaml").symlink_to("/dev/zero")
    (tender / "bids" / "leak.yaml").symlink_to(secret)
    message = run_cli(["validate", tender], exit_code=2).stderr
    assert "pipe.yaml: not a regular file (a pipe, a device or a directory)" in message
    assert "zero.yaml: a link that leads outside" in message
    assert "leak.yaml: a link that leads outside" in message
    assert "first line of a private file" not in message


def test_a_filled_sheet_that_is_a_pipe_is_refused(tender: Path) -> None:
    import os

    from tenderscore.input.keys import sheet_key

    sheet_key(tender)  # sheets were made for this tender
    (tender / "scores").mkdir()
    os.mkfifo(tender / "scores" / "pipe.xlsx")
    message = run_cli(["validate", tender], exit_code=2).stderr
    assert "pipe.xlsx: not a regular file" in message


HOSTILE_TEMPLATES = {
    "a loop of a billion": "{% for i in range(10**9) %}x{% endfor %}",
    "nested loops that print nothing": (
        "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}"
    ),
    "a template including itself": "{% include 'report.md.j2' %}",
    "a macro calling itself": "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "a string of ten gigabytes": "{{ 'x' * 10**10 }}",
    "a power of a hundred million": "{{ 2 ** 100000000 }}",
    "a padded string of two gigabytes": "{{ ''.ljust(2**31) }}",
}


@pytest.mark.parametrize("case", list(HOSTILE_TEMPLATES))
def test_a_hostile_report_template_stops_in_bounded_time(
    case: str, tender: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tenderscore.exporters import templating

    monkeypatch.setattr(templating, "MAX_SECONDS", 2)  # the bound itself, made quick to test
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "report.md.j2").write_text(HOSTILE_TEMPLATES[case])
    result = run_cli(["evaluate", tender, "--format", "md", "--template", templates], exit_code=2)
    assert "report template" in result.stderr
    assert not (tender / "out" / "WPF-2026-DA-014-report.md").exists()


def test_forty_thousand_unknown_keys_are_summarised(tender: Path) -> None:
    """Validation was quadratic in the errors (65 s for 40,000 unknown keys) and printed one
    line each; the time is measured in bench/bench_hostile.py, the lines here."""
    bid = tender / ALBION
    bid.write_text(bid.read_text() + "".join(f"junk_{i}: 1\n" for i in range(40_000)))
    message = run_cli(["validate", tender], exit_code=2).stderr
    lines = message.splitlines()
    assert lines[-1] == "40000 problems found."
    assert "and 39,980 more like this: unknown key '...'" in message
    assert len(lines) == 22


def test_ids_that_differ_only_in_case_are_duplicates(tender: Path) -> None:
    """Summaries are named by bid id: 'Albion' and 'albion' overwrote each other on Windows
    and macOS."""
    twin = tender / "bids" / "twin.yaml"
    twin.write_text((tender / ALBION).read_text().replace("id: albion", "id: Albion", 1))
    message = run_cli(["validate", tender], exit_code=2).stderr
    assert "duplicate bid id 'Albion'" in message or "duplicate bid id 'albion'" in message
    assert "ids that differ only in letter case name the same file" in message


def test_weight_names_stay_distinct_in_the_workbook() -> None:
    """q-1, q_1 and q.1 were all given the defined name w_q_1."""
    from tenderscore.exporters.workbook.writer import defined_name

    names = {defined_name(node) for node in ("q-1", "q_1", "q.1", "q__1", "q_h1")}
    assert len(names) == 5
    assert defined_name("q-1") == "w_q_h1"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Evil\r- item", "Evil - item"),  # a carriage return started a list
        ("a\r\n\r\n    code", "a code"),  # a blank line and an indent made a code block
        ("x\u2028# heading", "x \\# heading"),
        ("tab\tthen\x0bvertical", "tab then vertical"),
        ("see https://evil.example", "see https\\://evil.example"),
        ("www.evil.example", "www\\.evil.example"),
        ("mail bids@evil.example", "mail bids\\@\u2060evil.example"),  # cmark-gfm linked '\\@'
        ("Acme_www.evil.example", "Acme\\_www\\.evil.example"),  # www after '_' linked
        ("1https://evil.example", "1https\\://evil.example"),  # and https after a digit
        ("v3.5: ok", "v3.5: ok"),  # ordinary figures and colons are left alone
        ("Acme \u202eLtd", "Acme Ltd"),  # a right-to-left override would read backwards
    ],
)
def test_bid_text_cannot_change_the_structure_of_a_report(text: str, shown: str) -> None:
    from tenderscore.exporters.escaping import markdown_text

    assert markdown_text(text) == shown


def test_a_name_with_line_breaks_stays_in_its_line_of_the_report(tender: Path) -> None:
    _replace(tender / ALBION, "name: Albion Analytics Ltd", r'name: "Albion\r# Owned\r\n- x"')
    run_cli(["evaluate", tender, "--format", "md"])
    report = (tender / "out" / "WPF-2026-DA-014-report.md").read_text()
    assert "Albion \\# Owned - x" in report
    assert not [line for line in report.splitlines() if line.startswith(("# Owned", "- x"))]


def test_names_cannot_control_the_terminal(tender: Path) -> None:
    """Escape sequences in names and unknown keys were printed raw by evaluate, explain and
    validate (a name could retitle or clear the officer's terminal)."""
    evil = r"Albion\e]0;pwned\a\e[2J\u202Eevil"
    _replace(tender / ALBION, "name: Albion Analytics Ltd", f'name: "{evil}"')
    for args in (["evaluate", tender, "--no-export"], ["explain", tender, "albion"]):
        output = run_cli(args).stdout
        assert "\x1b" not in output
        assert "\x07" not in output
        assert "\u202e" not in output
        assert "Albion\ufffd]0;pwned" in output
    _replace(tender / ALBION, "id: albion", 'id: albion\n"bad\\e[31mkey": 1')
    message = run_cli(["validate", tender], exit_code=2).stderr
    assert "\x1b" not in message
    assert "bad\ufffd[31mkey" in message


@pytest.mark.parametrize(
    "twin_name",
    ["Albion Analytics Ltd", "\u0410lbion Analytics Ltd", "Albion\u200b Analytics  Ltd"],
    ids=["exact", "cyrillic-a", "zero-width"],
)
def test_names_that_look_the_same_are_warned_about(tender: Path, twin_name: str) -> None:
    twin = tender / "bids" / "twin.yaml"
    twin.write_text(
        (tender / ALBION)
        .read_text()
        .replace("id: albion", "id: twin", 1)
        .replace("name: Albion Analytics Ltd", f'name: "{twin_name}"', 1)
    )
    output = run_cli(["evaluate", tender, "--no-export"]).stdout
    assert "bids 'albion', 'twin' have supplier names that look the same in print" in output


def test_a_duplicate_key_does_not_hide_the_files_other_problems(tender: Path) -> None:
    _replace(tender / ALBION, "name: Albion Analytics Ltd", "name: Albion\nname: Albion again")
    _replace(tender / ALBION, "exit: 150000", "exit: lots")
    message = run_cli(["validate", tender], exit_code=2).stderr
    assert "'name'" in message
    assert "twice" in message or "duplicate" in message
    assert "price.whole_life.exit: expected a number; got 'lots'" in message


def test_a_tender_yaml_mistake_does_not_hide_the_bids_problems(tender: Path) -> None:
    """Schema errors in tender.yaml hid every bid's cross-checks until the next run."""
    _replace(tender / "tender.yaml", "currency: GBP", "currency: pounds")
    _replace(tender / ALBION, "pilot_disparity:", "pilot_disparty:")
    message = run_cli(["validate", tender], exit_code=2).stderr
    assert "tender.yaml:6:11: currency:" in message
    assert "answers.pilot_disparty: no such criterion 'pilot_disparty'" in message


def test_a_thousands_separator_in_a_flow_mapping_is_one_clear_problem(tender: Path) -> None:
    """`{licences: 290,000}` gave three messages in pydantic's words ('annual[0]: expected a
    valid list; got None') for one slip."""
    annual = re.compile(r"    annual:\n(      .*\n)+")
    bid = tender / ALBION
    bid.write_text(annual.sub("    annual: {licences: 290,000}\n", bid.read_text(), count=1))
    message = run_cli(["validate", tender], exit_code=2).stderr
    assert "price.whole_life.annual: a number written with a thousands separator" in message
    assert message.splitlines()[-1] == "1 problem found."


def test_the_chart_stays_well_formed_xml_whatever_the_names(tender: Path) -> None:
    from defusedxml import ElementTree

    _replace(tender / ALBION, "name: Albion Analytics Ltd", r'name: "A\x01l\x1bb<i>&\u202eon"')
    run_cli(["evaluate", tender, "--format", "md"])
    for chart in (tender / "out").glob("*.svg"):
        ElementTree.fromstring(chart.read_bytes())  # raises on XML that is not well-formed


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("explanation_turnaround: 5", "explanation_turnaround: 2026-13-45", "got '2026-13-45'"),
        ("explanation_turnaround: 5", "explanation_turnaround: 2026-02-30", "got '2026-02-30'"),
        ("explanation_turnaround: 5", "explanation_turnaround: " + "9" * 5000, "got '9999"),
    ],
)
def test_values_yaml_cannot_construct_are_located_problems(
    tender: Path, old: str, new: str, message: str
) -> None:
    """A date that does not exist or a 5,000-digit integer was an internal error."""
    _replace(tender / ALBION, old, new)
    assert message in run_cli(["validate", tender], exit_code=2).stderr
