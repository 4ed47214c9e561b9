"""Load a tender directory into a ``Tender``: the only module that reads input files.

Every file is read once, validated, and cross-checked; all problems from all files are gathered
and raised together as one ``InputError``, so a user fixes a tender in one pass.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tenderscore.errors import InputError, Problem, did_you_mean
from tenderscore.input.bidfile import BidFile, Consensus, EvaluatorScore
from tenderscore.input.catalogue import shipped_criteria
from tenderscore.input.consistency import Sourced, check_bids, check_tender
from tenderscore.input.fingerprints import file_digest
from tenderscore.input.hierarchy import CriteriaTree, build_tree
from tenderscore.input.keys import KEY_FILE, read_sheet_key
from tenderscore.input.lock import lock_problems, read_lock
from tenderscore.input.models import CriteriaSet, TenderFile, Weighting
from tenderscore.input.moderation_sheet import DIRECTORY as MODERATION_DIR
from tenderscore.input.moderation_sheet import SHEET as MODERATION_SHEET
from tenderscore.input.moderation_sheet import Meeting, read_moderation
from tenderscore.input.outcomes import bid_is_scored
from tenderscore.input.reading import read_input
from tenderscore.input.response_forms import DIRECTORY as RESPONSES_DIR
from tenderscore.input.response_forms import Response, read_responses, relocate
from tenderscore.input.schema_errors import validate_document
from tenderscore.input.scoresheets import BID_FIELD, read_sheet
from tenderscore.input.tender import SourceFile, Tender
from tenderscore.input.yamlfile import MAX_FILE_BYTES, DataPath, YamlDocument, read_yaml
from tenderscore.memory import collector_paused

TENDER_FILE = "tender.yaml"
BIDS_DIR = "bids"
SCORES_DIR = "scores"
MAX_BIDS = 10_000
MAX_ID_SEARCH = 64 * 1024  # bytes of an unreadable bid file searched for its id
MAX_SHEET_BYTES = 128 * 2**20  # a filled 2,000-bid sheet is about 6 MiB


@collector_paused()
def load_tender(path: Path | str, *, require_scores: bool = True) -> Tender:
    """Read, validate and cross-check the tender in directory ``path``.

    ``require_scores`` False accepts bids not yet scored (to make the scoring sheets).

    Raises:
        InputError: with every problem found, each located by file, line, column and field.
    """
    return _Loader(Path(path), require_scores=require_scores).load()


def load_rules(path: Path | str, *, against_lock: bool = True) -> Tender:
    """The tender without its bids: tender.yaml and its criteria, validated and checked
    (against the lock too, if there is one). What `lock` records, before any bid is in.

    Raises:
        InputError: with every problem found.
    """
    loader = _Loader(Path(path), require_scores=False, with_bids=False)
    loader.against_lock = against_lock
    return loader.load()


def load_criteria_set(path: Path) -> CriteriaSet:
    """Read and validate one criteria file (used for shipped sets and ``tenderscore criteria``)."""
    sourced, problems = _read_model(CriteriaSet, path)
    if sourced is None:
        raise InputError(problems)
    tree = build_tree(sourced.model.criteria, weighting=sourced.model.weighting)
    if tree.problems:
        raise InputError(
            sourced.document.problem(("criteria", *p.source_path[1:], p.key), p.message)
            for p in tree.problems
        )
    model: CriteriaSet = sourced.model
    return model


def _updated(bids: list[Sourced], changes: Mapping[str, dict[str, Any]]) -> list[Sourced]:
    """``bids`` with the fields in ``changes`` (by bid id) replaced, in a copy of each model;
    located where the bid came from."""
    return [
        Sourced(bid.model.model_copy(update=changes[bid.model.id]), bid.document)
        if bid.model.id in changes
        else bid
        for bid in bids
    ]


def _read_model(
    model: type[TenderFile] | type[BidFile] | type[CriteriaSet],
    path: Path,
    within: Path | None = None,
) -> tuple[Sourced | None, list[Problem]]:
    document = read_yaml(path, within=within)
    if isinstance(document, list):
        return None, document
    result = validate_document(model, document)
    if isinstance(result, list):
        return None, [*document.problems, *result]
    if document.problems:  # read and valid, but not usable as written (e.g. a key twice)
        return None, list(document.problems)
    return Sourced(result, document), []


# Top-level keys of tender.yaml that no check of a bid depends on: when these are all that is
# wrong, the bids are still checked in the same run (with a stand-in, never used for output).
_ASIDE = {
    "reference": "TENDER",
    "title": "-",
    "buyer": "-",
    "currency": None,
    "discount_rate": None,
    "score_aggregation": None,
    "abnormally_low_threshold": None,
    "moderation": None,
    "sensitivity": None,
    "scenarios": None,
    "conflicts": None,
}


def _declared_id(path: Path) -> str:
    """The ``id:`` a bid file that could not be parsed seems to declare, or ''."""
    data = read_input(path, limit=MAX_FILE_BYTES)  # never a pipe or a device
    if isinstance(data, Problem):
        return ""
    text = data[:MAX_ID_SEARCH].decode("utf-8", "replace")
    found = re.search(r"^id:\s*['\"]?([A-Za-z0-9][A-Za-z0-9_.-]*)", text, flags=re.M)
    return found.group(1) if found else ""


def _named_bid(problem: Problem) -> str:
    """The bid an 'unknown bid' problem of a scoring sheet names."""
    found = re.search(r"unknown bid '([^']*)'", problem.message)
    return found.group(1) if found else ""


def _lenient_tender(path: Path) -> Sourced | None:
    """``path`` validated with its wrong keys set aside, when only keys in ``_ASIDE`` are
    wrong; None otherwise. Its problems were already reported: this only lets the bids be
    checked in the same run (the load still fails)."""
    document = read_yaml(path, within=path.parent)
    if isinstance(document, list) or not isinstance(document.data, dict):
        return None
    data = dict(document.data)
    for _ in range(3):
        try:
            return Sourced(TenderFile.model_validate(data), document)
        except ValidationError as exc:
            wrong = {str(error["loc"][0]) for error in exc.errors() if error["loc"]}
            if not wrong or not wrong <= _ASIDE.keys():
                return None
            for key in wrong:
                stand_in = _ASIDE[key]
                if stand_in is None:
                    data.pop(key, None)
                else:
                    data[key] = stand_in
    return None


class _Loader:
    def __init__(self, path: Path, *, require_scores: bool = True, with_bids: bool = True) -> None:
        self.require_scores = require_scores
        self.with_bids = with_bids
        self.against_lock = True
        self.lock_digest: str | None = None
        self.root = path.parent if path.is_file() else path
        self.problems: list[Problem] = []
        self.sources: list[SourceFile] = []
        self.unread_bids: list[Path] = []  # bid files that could not be read
        self.refused_sheets: list[Path] = []  # scoring sheets refused as a whole
        self.meeting: Meeting | None = None
        self.returned: dict[Path, Response] = {}  # bids read from workbooks, by their form

    def read(
        self, model: type[TenderFile] | type[BidFile] | type[CriteriaSet], path: Path, role: str
    ) -> Sourced | None:
        within = None if role == "criteria" else self.root  # a criteria file may be shared
        sourced, problems = _read_model(model, path, within)
        self.problems += problems
        if sourced is not None:
            self.sources.append(SourceFile(path, role, file_digest(sourced.document.text)))
        return sourced

    def load(self) -> Tender:
        tender_path = self.root / TENDER_FILE
        if not self.root.is_dir():
            raise InputError([Problem(self.root, "no such tender directory")])
        if not tender_path.is_file():
            raise InputError(
                [Problem(tender_path, f"missing {TENDER_FILE}; is {self.root} a tender directory?")]
            )
        tender = self.read(TenderFile, tender_path, "tender")
        if tender is None:  # still check the bids if what is wrong does not bear on them
            tender = _lenient_tender(tender_path)
        criteria, prefix, label = self.resolve_criteria(tender) if tender else (None, (), "")
        bids = self.read_bids() if self.with_bids else []
        if tender is None or criteria is None:
            # Bids cannot be checked against criteria that could not be read.
            raise InputError(self.problems)
        config: TenderFile = tender.model
        nodes = tuple(criteria.model.criteria)
        weighting = self.weighting(tender, criteria)
        tree = build_tree(nodes, weighting=weighting, overrides=config.weights)
        reported = {(p.path, p.line, p.column) for p in self.problems if p.line is not None}
        self.problems += [  # one message a place: a placeholder the schema already refused
            p
            for p in check_tender(tender, criteria, prefix, tree)
            if (p.path, p.line, p.column) not in reported
        ]
        if not self.problems and self.against_lock:
            self.check_lock(config, tree)
        if self.with_bids:
            bids += self.read_responses(config, tree)
            if not bids and not self.problems and not self.unread_bids:
                self.problems.append(
                    Problem(
                        self.root / RESPONSES_DIR,
                        "no bids found: neither bids/*.yaml nor any bidder's workbooks in "
                        "responses/<bid id>/",
                    )
                )
            bids = self.merge_sheets(config, tree, bids)
            bids = self.merge_moderation(config, tree, bids)
        complete = not self.refused_sheets  # a refused sheet's scores are all "missing"
        checked = check_bids(tender, tree, bids, require_scores=self.require_scores and complete)
        self.problems += [
            relocate(p, self.returned[p.path], config, tree) if p.path in self.returned else p
            for p in checked
        ]
        if self.require_scores and not complete:
            self.problems.append(self.scores_not_checked())
        if self.problems:
            raise InputError(self.problems)
        models = [bid.model for bid in bids]
        scored = [bid_is_scored(config, tree, bid) for bid in models]
        return Tender(
            root=self.root,
            config=config,
            criteria_source=label,
            criteria=nodes,
            tree=tree,
            bids=tuple(bid for bid, yes in zip(models, scored, strict=True) if yes),
            set_aside=tuple(bid for bid, yes in zip(models, scored, strict=True) if not yes),
            sources=tuple(self.sources),
            lock_digest=self.lock_digest,
            meeting=self.meeting,
        )

    def check_lock(self, config: TenderFile, tree: CriteriaTree) -> None:
        """Compare the tender with what its lock says bidders were told (if it has a lock)."""
        lock = read_lock(self.root)
        if isinstance(lock, Problem):
            self.problems.append(lock)
        elif lock is not None:
            self.sources.append(SourceFile(lock.path, "lock", file_digest(lock.text)))
            self.problems += lock_problems(lock, config, tree)
            self.lock_digest = lock.digest

    def weighting(self, tender: Sourced, criteria: Sourced) -> Weighting:
        config: TenderFile = tender.model
        if isinstance(config.criteria, list):
            return config.weighting or "percent"
        own = criteria.model.weighting
        if config.weighting is not None and config.weighting != own:
            self.problems.append(
                tender.document.problem(
                    ("weighting",),
                    f"the criteria set uses {own} weighting; got {config.weighting}",
                )
            )
        weighting: Weighting = own
        return weighting

    def resolve_criteria(self, tender: Sourced) -> tuple[Sourced | None, DataPath, str]:
        """The criteria as a sourced model whose ``criteria`` list holds the tree."""
        config: TenderFile = tender.model
        if isinstance(config.criteria, list):
            return Sourced(config, tender.document), ("criteria",), "inline"
        reference = config.criteria
        if reference.endswith((".yaml", ".yml")) or "/" in reference:
            path = (tender.document.path.parent / reference).resolve()
            if not path.is_file():
                self.problems.append(
                    tender.document.problem(
                        ("criteria",), f"criteria file {reference!r} not found (looked for {path})"
                    )
                )
                return None, (), ""
            return self.read(CriteriaSet, path, "criteria"), ("criteria",), str(reference)
        shipped = shipped_criteria()
        if reference not in shipped:
            names = ", ".join(shipped) or "none installed"
            self.problems.append(
                tender.document.problem(
                    ("criteria",),
                    f"no shipped criteria set {reference!r}{did_you_mean(reference, shipped)} "
                    f"(shipped: {names}; a file path must end in .yaml)",
                )
            )
            return None, (), ""
        return self.read(CriteriaSet, shipped[reference], "criteria"), ("criteria",), reference

    def merge_sheets(
        self, config: TenderFile, tree: CriteriaTree, bids: list[Sourced]
    ) -> list[Sourced]:
        """Add the scores from filled scoring sheets in scores/*.xlsx to the bids. A sheet
        issued before a bid was withdrawn or excluded may score it: those scores are not
        used, as the bid is set aside (the report says so)."""
        workbooks = self.workbooks(SCORES_DIR)
        if workbooks is None:
            return bids
        paths, key = workbooks
        by_id = {bid.model.id: bid for bid in bids}
        added: dict[str, dict[str, dict[str, EvaluatorScore]]] = {}
        for path in paths:
            data = read_input(path, limit=MAX_SHEET_BYTES, within=self.root)
            if isinstance(data, Problem):
                self.problems.append(data)
                self.refused_sheets.append(path)
                continue
            self.sources.append(SourceFile(path, "scores", file_digest(data)))
            names = {bid_id: bid.model.name for bid_id, bid in by_id.items()}
            found, problems = read_sheet(
                path, data, config, tree, names, key, complete=self.require_scores
            )
            if problems and not found:
                self.refused_sheets.append(path)
            self.problems += self.fold_unread_bids(path, problems)
            for entry in found:
                given = by_id[entry.bid].model.scores.get(entry.criterion, {})
                merged = added.setdefault(entry.bid, {}).setdefault(entry.criterion, {})
                if entry.evaluator in given or entry.evaluator in merged:
                    self.problems.append(
                        Problem(
                            path,
                            f"{entry.evaluator} scored bid {entry.bid!r} on "
                            f"{entry.criterion!r} twice (also in {by_id[entry.bid].document.path} "
                            "or another sheet)",
                            cell=f"Scores!{entry.cell}",
                        )
                    )
                    continue
                merged[entry.evaluator] = EvaluatorScore(score=entry.score, comment=entry.comment)
        changed = {}
        for bid in bids:
            extra = added.get(bid.model.id)
            if extra and bid_is_scored(config, tree, bid.model):  # else withdrawn since issue
                merged_scores = {c: dict(v) for c, v in bid.model.scores.items()}
                for criterion, entries in extra.items():
                    merged_scores.setdefault(criterion, {}).update(entries)
                changed[bid.model.id] = {"scores": merged_scores}
        return _updated(bids, changed)

    def merge_moderation(
        self, config: TenderFile, tree: CriteriaTree, bids: list[Sourced]
    ) -> list[Sourced]:
        """Add the agreed scores, reasons and feedback of a filled moderation workbook in
        moderation/*.xlsx to the bids; an item agreed there and in a bid file is an error."""
        workbooks = self.workbooks(MODERATION_DIR)
        if workbooks is None:
            return bids
        paths, key = workbooks
        scored = {bid.model.id: bid for bid in bids if bid_is_scored(config, tree, bid.model)}
        added: dict[str, dict[str, Consensus]] = {}
        for path in paths:
            data = read_input(path, limit=MAX_SHEET_BYTES, within=self.root)
            if isinstance(data, Problem):
                self.problems.append(data)
                continue
            self.sources.append(SourceFile(path, "moderation", file_digest(data)))
            models = {bid_id: bid.model for bid_id, bid in scored.items()}
            set_aside = {bid.model.id for bid in bids} - models.keys()
            agreed, meeting, problems = read_moderation(
                path, data, config, tree, models, key, set_aside
            )
            self.problems += problems
            self.meeting = meeting or self.meeting
            for view in agreed:
                recorded = added.setdefault(view.bid, {})
                if view.criterion in scored[view.bid].model.consensus or view.criterion in recorded:
                    self.problems.append(
                        Problem(
                            path,
                            f"bid {view.bid!r}, criterion {view.criterion!r}: already agreed in "
                            f"{scored[view.bid].document.path} or another workbook; record it "
                            "in one place",
                            cell=f"{MODERATION_SHEET}!{view.cell}",
                        )
                    )
                    continue
                recorded[view.criterion] = view.consensus
        changed = {
            bid.model.id: {"consensus": {**bid.model.consensus, **added[bid.model.id]}}
            for bid in bids
            if added.get(bid.model.id)
        }
        return _updated(bids, changed)

    def read_responses(self, config: TenderFile, tree: CriteriaTree) -> list[Sourced]:
        """Bids returned as workbooks in responses/<bid id>/, beside the YAML ones (a bid in
        both is a duplicate id); located at the response form for later checks."""
        responses, problems = read_responses(self.root, config, tree)
        self.problems += problems
        found = []
        for response in responses:
            self.returned[response.files[0][0]] = response
            for path, content in response.files:
                self.sources.append(SourceFile(path, "response", file_digest(content)))
            fields = response.bid.model_dump(mode="json", exclude_none=True)
            document = YamlDocument(response.files[0][0], fields, b"")
            found.append(Sourced(response.bid, document))
        return found

    def workbooks(self, folder: str) -> tuple[list[Path], bytes] | None:
        """The workbooks in ``folder`` of the tender and the key to check them with; None
        when there are none, or no key (the problem recorded)."""
        directory = self.root / folder
        paths = sorted(directory.glob("*.xlsx")) if directory.is_dir() else []
        if not paths:
            return None
        key = self.sheet_key(directory)
        return None if key is None else (paths, key)

    def sheet_key(self, directory: Path) -> bytes | None:
        """The tender's key, to check workbooks in ``directory`` were made by it (None, with
        the problem recorded, when it cannot be read or there is none)."""
        try:
            key = read_sheet_key(self.root)
        except InputError as exc:
            self.problems += exc.problems
            return None
        if key is None:
            self.problems.append(
                Problem(
                    directory,
                    f"workbooks are here but the tender has no key ({KEY_FILE}), so none can "
                    "be checked as made by this tender (a scoring sheet as its evaluator's): "
                    "read them in the tender directory where tenderscore made them",
                )
            )
        return key

    def fold_unread_bids(self, path: Path, problems: list[Problem]) -> list[Problem]:
        """A sheet's rows for bids whose files could not be read are one problem, not one
        per row: they follow from the bid files' own problems."""
        if not self.unread_bids:
            return problems
        unread = {_declared_id(path) for path in self.unread_bids} | {
            path.stem for path in self.unread_bids
        }
        kept = [p for p in problems if p.field != BID_FIELD or _named_bid(p) not in unread]
        folded = len(problems) - len(kept)
        if folded:
            files = ", ".join(p.name for p in self.unread_bids)
            kept.append(
                Problem(
                    path,
                    f"{folded} rows not checked: their bids' files ({files}) "
                    "could not be read; fix those first",
                )
            )
        return kept

    def scores_not_checked(self) -> Problem:
        """One problem in place of every missing score, which would follow from a refused
        sheet: its evaluator's scores are all missing until it is fixed."""
        causes = [p.name for p in self.refused_sheets]
        return Problem(
            self.root,
            "missing scores were not looked for, since the scoring sheet "
            f"{', '.join(causes)} was refused: fix it first, then validate again",
        )

    def read_bids(self) -> list[Sourced]:
        """The YAML bids; none is a problem only when no bid came as workbooks either."""
        directory = self.root / BIDS_DIR
        returned = (self.root / RESPONSES_DIR).is_dir()
        if not directory.is_dir():
            if not returned:
                self.problems.append(
                    Problem(
                        directory,
                        "missing bids directory; expected bids/*.yaml, or bidders' workbooks "
                        "in responses/<bid id>/",
                    )
                )
            return []
        paths = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
        if not paths:
            if not returned:
                self.problems.append(
                    Problem(
                        directory,
                        "no bids found; expected one YAML file per bid (bids/*.yaml), or "
                        "bidders' workbooks in responses/<bid id>/",
                    )
                )
            return []
        if len(paths) > MAX_BIDS:
            self.problems.append(
                Problem(directory, f"{len(paths):,} bid files; the limit is {MAX_BIDS:,}")
            )
            return []
        bids = []
        for path in paths:
            bid = self.read(BidFile, path, "bid")
            if bid is None:
                self.unread_bids.append(path)
            else:
                bids.append(bid)
        return bids
