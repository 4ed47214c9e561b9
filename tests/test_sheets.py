"""Scoring sheets: out, filled in, back in; the same evaluation as YAML scores."""

from __future__ import annotations

import re
import shutil
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from tenderscore.engine.scoring import evaluate
from tenderscore.input.loading import load_tender

from conftest import EXAMPLE, run_cli

REFERENCE = "WPF-2026-DA-014"


@pytest.fixture
def unscored(tmp_path: Path) -> Path:
    """The example with every evaluator score removed from the bid files (consensus kept)."""
    target = tmp_path / "tender"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("out"))
    for path in (target / "bids").glob("*.yaml"):
        bid = yaml.safe_load(path.read_text())
        bid.pop("scores", None)
        path.write_text(yaml.safe_dump(bid, sort_keys=False))
    return target


def _fill(unscored: Path, *, edit: dict[str, object] | None = None) -> Path:
    """Make the sheets and fill them with the example's original scores."""
    run_cli(["sheets", unscored])
    original = load_tender(EXAMPLE)
    scores = {(bid.id, c): given for bid in original.bids for c, given in bid.scores.items()}
    (unscored / "scores").mkdir()
    for path in sorted((unscored / "out" / "sheets").glob("*.xlsx")):
        book = load_workbook(path)
        sheet = book["Scores"]
        evaluator = sheet["B2"].value
        for row in range(6, sheet.max_row + 1):
            criterion, bid = (
                sheet.cell(row=row, column=1).value,
                sheet.cell(row=row, column=3).value,
            )
            entry = scores[bid, criterion][evaluator]
            sheet.cell(row=row, column=5).value = entry.score
            sheet.cell(row=row, column=6).value = entry.comment
        for cell, value in (edit or {}).items():
            if evaluator == "IAM":
                sheet[cell] = value
        book.save(unscored / "scores" / path.name)
    return unscored


def test_round_trip_gives_the_same_evaluation(unscored: Path) -> None:
    assert "has not scored it" in run_cli(["validate", unscored], exit_code=2).stderr
    tender = load_tender(_fill(unscored))
    from_sheets = evaluate(tender)
    from_yaml = evaluate(load_tender(EXAMPLE))
    assert [(b.id, b.rank) for b in from_sheets.bids] == [(b.id, b.rank) for b in from_yaml.bids]
    for a, b in zip(from_sheets.bids, from_yaml.bids, strict=True):
        assert a.total == pytest.approx(b.total, rel=1e-12)
        assert [c.evaluator_comments for c in a.criteria] == [
            c.evaluator_comments for c in b.criteria
        ]
    assert {s.role for s in tender.sources} >= {"scores"}


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            {"E6": None},
            "Scores!E6: blank score for bid 'albion' on 'sub_processors' (not scored is never 0)",
        ),
        ({"E7": 7}, "Scores!E7: expected a score on the scale 0-5; got 7"),
        (
            {"B4": "0000000000000000"},
            "Scores!B4: made from different criteria (fingerprint '0000000000000000'",
        ),
        ({"C6": "acme"}, "Scores!C6: Bid: unknown bid 'acme'"),
        ({"B2": "ZZZ"}, "Scores!B2: unknown evaluator 'ZZZ' (panel: IAM, DEC, HPA)"),
    ],
)
def test_sheet_errors_are_located(unscored: Path, edit: dict[str, object], message: str) -> None:
    target = _fill(unscored, edit=edit)
    stderr = run_cli(["validate", target], exit_code=2).stderr
    assert f"{target / 'scores' / f'{REFERENCE}-scoring-IAM.xlsx'}:{message}" in stderr


def test_an_evaluator_scoring_a_section_not_assigned(unscored: Path) -> None:
    tender = unscored / "tender.yaml"
    tender.write_text(
        tender.read_text().replace(
            "sections: [sovereignty, transparency, ethics]", "sections: [sovereignty]", 1
        )
    )
    target = _fill(unscored, edit={"A6": "atrs_record"})
    stderr = run_cli(["validate", target], exit_code=2).stderr
    assert "Scores!A6: evaluator 'IAM' is not assigned to 'atrs_record'" in stderr


def test_no_price_anywhere_in_a_quality_sheet(unscored: Path) -> None:
    run_cli(["sheets", unscored])
    tender = load_tender(unscored, require_scores=False)
    forbidden = {"whole_life_cost", "Whole-life cost", "price", "Price"}
    for bid in tender.bids:
        assert bid.price is not None
        assert bid.price.whole_life is not None
        forbidden |= {f"{v:g}" for v in bid.price.whole_life.one_off.values()}
        forbidden |= {str(int(v)) for v in bid.price.whole_life.one_off.values()}
    for path in (unscored / "out" / "sheets").glob("*.xlsx"):
        book = load_workbook(path)
        texts = list(book.sheetnames)
        texts += list(book.defined_names.keys())
        for sheet in book.worksheets:
            assert sheet.sheet_state == "visible"
            for row in sheet.iter_rows():
                for cell in row:
                    texts.append(str(cell.value))
                    if cell.comment is not None:
                        texts.append(cell.comment.text)
        blob = "\n".join(texts)
        for word in forbidden:
            assert not re.search(rf"\b{re.escape(word)}\b", blob), (path.name, word)


def test_every_score_cell_is_restricted_to_its_scale(unscored: Path) -> None:
    run_cli(["sheets", unscored])
    scales = {
        leaf.id: leaf.model.scale
        for leaf in load_tender(EXAMPLE).tree.leaves
        if leaf.kind == "scale"
    }
    checked = 0
    for path in sorted((unscored / "out" / "sheets").glob("*.xlsx")):
        sheet = load_workbook(path)["Scores"]
        rules = sheet.data_validations.dataValidation
        for row in range(6, sheet.max_row + 1):
            scale = scales[sheet.cell(row=row, column=1).value]
            covering = [rule for rule in rules if f"E{row}" in rule.sqref]
            assert len(covering) == 1, (path.name, row)
            assert (covering[0].formula1, covering[0].formula2) == (
                str(scale.min),
                str(scale.max),
            )
            checked += 1
    assert checked > 50


def test_bid_text_is_text_in_the_scoring_sheets(unscored: Path) -> None:
    formula = '=HYPERLINK("http://evil.invalid","click")'
    path = unscored / "bids" / "albion-analytics.yaml"
    bid = yaml.safe_load(path.read_text())
    bid["name"] = formula
    path.write_text(yaml.safe_dump(bid, sort_keys=False))
    run_cli(["sheets", unscored])
    found = 0
    for book in sorted((unscored / "out" / "sheets").glob("*.xlsx")):
        for row in load_workbook(book)["Scores"].iter_rows(min_row=6):
            if row[3].value == formula:
                assert row[3].data_type == "s"
                assert row[3].quotePrefix
                found += 1
    assert found > 0


def test_a_sheet_passed_off_as_another_evaluators_is_refused(unscored: Path) -> None:
    """Every sheet carries the same fingerprint; only the seal, keyed with the tender's secret,
    ties it to its evaluator (issue: inputs, evaluator impersonation)."""
    _fill(unscored, edit={"B2": "DEC"})
    message = run_cli(["validate", unscored], exit_code=2).stderr
    assert "Scores!D4: the seal does not match evaluator 'DEC'" in message
    assert "has not scored it" not in message or "DEC" in message


def test_a_sheet_with_another_role_is_refused(unscored: Path) -> None:
    _fill(unscored, edit={"B3": "Chief Constable"})
    message = run_cli(["validate", unscored], exit_code=2).stderr
    assert "Scores!B3: role 'Chief Constable' is not IAM's" in message


def test_the_key_is_private_and_in_no_sheet(unscored: Path) -> None:
    _fill(unscored)
    key_file = unscored / ".tenderscore" / "sheet-key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    key = key_file.read_bytes()
    assert len(key) == 32
    for path in (unscored / "out" / "sheets").glob("*.xlsx"):
        with zipfile.ZipFile(path) as book:
            for name in book.namelist():
                part = book.read(name)
                assert key not in part
                assert key.hex().encode() not in part
    run_cli(["sheets", unscored])  # a second run keeps the key, so filled sheets stay valid
    assert key_file.read_bytes() == key
    load_tender(unscored)


def test_sheets_without_the_tenders_key_are_not_read(unscored: Path) -> None:
    _fill(unscored)
    (unscored / ".tenderscore" / "sheet-key").unlink()
    message = run_cli(["validate", unscored], exit_code=2).stderr
    assert "workbooks are here but the tender has no key" in message


def test_one_broken_bid_file_gives_one_problem_not_a_cascade(unscored: Path) -> None:
    """A YAML syntax error in one bid file used to hide the scoring sheets (121 problems, 120
    of them 'has not scored it'): the sheets are read anyway, and their rows for the unread
    bid are one line that points to the bid file."""
    _fill(unscored)
    broken = unscored / "bids" / "albion-analytics.yaml"
    broken.write_text(broken.read_text().replace("name:", "name: [", 1))
    message = run_cli(["validate", unscored], exit_code=2).stderr
    lines = [line for line in message.splitlines() if line.strip()]
    assert "has not scored it" not in message
    assert any(line.startswith(f"{broken}:") for line in lines)
    folded = [line for line in lines if "rows not checked" in line]
    assert folded
    assert all("albion-analytics.yaml" in line for line in folded)
    assert len(lines) <= 1 + len(folded) + 1  # the bid file, one line per sheet, the count


def _part(book: Path, name: str, edit: Callable[[bytes], bytes]) -> None:
    """Rewrite one part of a workbook's zip package, as a hostile editor would."""
    with zipfile.ZipFile(book) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    edited = edit(parts[name])
    assert edited != parts[name], "the edit changed nothing: the test would prove nothing"
    parts[name] = edited
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as package:
        for part, data in parts.items():
            package.writestr(part, data)


SHEET_PART = "xl/worksheets/sheet1.xml"


def _iam_sheet(unscored: Path) -> Path:
    _fill(unscored)
    return next((unscored / "scores").glob("*-IAM.xlsx"))


def test_a_formula_in_a_score_cell_is_refused_not_read_as_its_cached_value(
    unscored: Path,
) -> None:
    """<f>1</f><v>5</v>: a viewer shows 5, and the old reader took 5 silently."""
    book = _iam_sheet(unscored)
    _part(
        book,
        SHEET_PART,
        lambda xml: re.sub(
            rb'(<c r="E6"[^>]*?)(/>|>.*?</c>)', rb"\1><f>1</f><v>5</v></c>", xml, count=1
        ),
    )
    message = run_cli(["validate", unscored], exit_code=2).stderr
    assert "Scores!E6: a formula (=1) where a value is typed" in message


def test_a_sheet_declaring_the_whole_grid_is_read_in_bounded_memory(unscored: Path) -> None:
    """A 6 KB sheet declaring A1:XFD1048576 gave MemoryError; rows beyond a declared
    dimension were ignored, so a cell could hide outside it."""
    book = _iam_sheet(unscored)
    _part(
        book,
        SHEET_PART,
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml),
    )
    load_tender(unscored)  # read as usual, bounded to the sheet's six columns
    _part(
        book,
        SHEET_PART,
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:F5"', xml),
    )
    assert len(evaluate(load_tender(unscored)).bids) == 4  # rows past A1:F5 are still read


def test_hostile_packages_are_refused_naming_the_file(unscored: Path) -> None:
    book = _iam_sheet(unscored)
    original = book.read_bytes()
    book.write_bytes(b"not a zip")
    assert "not an .xlsx workbook" in run_cli(["validate", unscored], exit_code=2).stderr
    book.write_bytes(original)
    _part(book, SHEET_PART, lambda xml: xml[: len(xml) // 2])  # malformed XML
    message = run_cli(["validate", unscored], exit_code=2).stderr
    assert f"{book}: cannot read this workbook" in message
    book.write_bytes(original)
    _part(
        book,
        "xl/sharedStrings.xml" if False else SHEET_PART,
        lambda xml: xml + b" " * (600 * 2**20),
    )
    assert "is it a zip bomb?" in run_cli(["validate", unscored], exit_code=2).stderr


def test_a_comment_longer_than_a_cell_holds_is_refused(unscored: Path) -> None:
    _fill(unscored, edit={"F6": "x" * 40_000})
    message = run_cli(["validate", unscored], exit_code=2).stderr
    assert "Scores!F6: 32,767 characters or more, Excel's limit for a cell" in message


def test_a_million_rows_stop_early_with_one_message(unscored: Path) -> None:
    book = _iam_sheet(unscored)
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (r, r)
        for r in range(1000, 200_000)
    )
    _part(book, SHEET_PART, lambda xml: xml.replace(b"</sheetData>", rows + b"</sheetData>"))
    message = run_cli(["validate", unscored], exit_code=2).stderr
    assert "rows: not a sheet made for this tender" in message
    assert message.count("\n") < 10


def test_weights_that_do_not_add_up_give_one_problem_with_sheets_in(unscored: Path) -> None:
    """Top-level weights summing to 110 hid the scoring sheets, and every score in them was
    reported missing as well."""
    _fill(unscored)
    tender_file = unscored / "tender.yaml"
    tender_file.write_text(
        tender_file.read_text().replace("tie_break:", "weights: {cost: 50}\ntie_break:", 1)
    )
    message = run_cli(["validate", unscored], exit_code=2).stderr
    assert "has not scored it" not in message
    assert message.splitlines()[-1] == "1 problem found."


def test_a_small_file_with_huge_styles_is_refused_before_parsing(unscored: Path) -> None:
    """770 KB on disk, 250 MiB of <xf/> in styles.xml: 110 s and 3.5 GB to read."""
    book = _iam_sheet(unscored)
    _part(book, "xl/styles.xml", lambda xml: xml + b" " * (20 * 2**20))
    message = run_cli(["validate", unscored], exit_code=2).stderr
    assert "its part xl/styles.xml unpacks to 20 MiB, more than 8 MiB" in message


def test_only_the_unread_bids_rows_are_folded(unscored: Path) -> None:
    """Rows naming a bid that is not in the tender at all are still reported one by one."""
    _fill(unscored, edit={"C6": "acme"})
    broken = unscored / "bids" / "ember-oak.yaml"
    broken.write_text(broken.read_text().replace("name:", "name: [", 1))
    message = run_cli(["validate", unscored], exit_code=2).stderr
    assert "Scores!C6: Bid: unknown bid 'acme'" in message
    assert "rows not checked: their bids' files (ember-oak.yaml)" in message


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Excellent", "Outstanding"),  # a descriptor
        ("Sub-processors and their locations", "Sub-processing"),  # a criterion's name
    ],
)
def test_a_sheet_made_before_what_it_shows_changed_is_refused(
    unscored: Path, old: str, new: str
) -> None:
    """The fingerprint covered ids, scale ends and the panel only: changing a question, a
    descriptor or a name left old sheets validating."""
    _fill(unscored)
    criteria = (EXAMPLE.parent.parent / "criteria" / "police-data-platform.yaml").read_text()
    assert old in criteria
    (unscored / "criteria.yaml").write_text(criteria.replace(old, new))
    (unscored / "criteria.lock.yaml").unlink()
    tender_file = unscored / "tender.yaml"
    tender_file.write_text(
        tender_file.read_text().replace("criteria: police-data-platform", "criteria: criteria.yaml")
    )
    assert "made from different criteria" in run_cli(["validate", unscored], exit_code=2).stderr


def test_scoring_sheets_are_the_same_bytes_run_to_run(
    unscored: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767571200")
    run_cli(["sheets", unscored, "--out", tmp_path / "a"])
    time.sleep(1.1)
    run_cli(["sheets", unscored, "--out", tmp_path / "b"])
    for book in (tmp_path / "a").iterdir():
        assert book.read_bytes() == (tmp_path / "b" / book.name).read_bytes(), book.name


def test_bids_set_aside_are_on_no_sheet_and_named_on_its_cover(unscored: Path) -> None:
    """Deepfield failed a gate, Northgate withdrew, Harbour Line was late: no evaluator is
    sent them to score, and every sheet says so beside its header."""
    run_cli(["sheets", unscored])
    for path in sorted((unscored / "out" / "sheets").glob("*.xlsx")):
        sheet = load_workbook(path)["Scores"]
        bids = {sheet.cell(row=r, column=3).value for r in range(6, sheet.max_row + 1)}
        assert bids == {"albion", "brightwater", "castellan", "ember"}, path.name
        assert sheet["D1"].value == (
            "Set aside before scoring, so not on the evaluators' sheets or the moderation "
            "agenda: Deepfield AI, Inc. (failed a pass/fail requirement); Harbour Line Data plc "
            "(late, received after the deadline); Northgate Insight Ltd (withdrawn by the "
            "bidder)."
        )


def test_a_bid_withdrawn_after_the_sheets_were_issued_is_set_aside(unscored: Path) -> None:
    """Its scores on the filled sheets are not used; the others' evaluation is unchanged
    but for the reference price, which it no longer sets."""
    filled = _fill(unscored)
    path = filled / "bids" / "ember-oak.yaml"
    data = yaml.safe_load(path.read_text())
    data["outcome"] = {"status": "withdrawn", "reason": "By email on 20 October 2026."}
    del data["consensus"]  # the panel's reasons for a bid no longer in the competition
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    result = evaluate(load_tender(filled))
    assert [b.id for b in result.set_aside] == ["deepfield", "ember", "harbourline", "northgate"]
    assert "ember" not in [b.id for b in result.bids]
    assert [b.id for b in result.ranked] == ["albion", "brightwater", "castellan"]
