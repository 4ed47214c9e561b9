"""The decision record: who approved which result, when, and on what moderation.

``tenderscore approve`` writes ``approval.yaml`` beside tender.yaml after a ready official
evaluation (Procurement Act 2023 s98 asks for records of material decisions). It holds the
digest of every input as approved and of the result (each bid's rank and total), so any later
change to an input makes the approval stale, and every later export and run says so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tenderscore.errors import Problem
from tenderscore.input.fingerprints import content_digest
from tenderscore.input.reading import read_optional
from tenderscore.input.tender import Tender

APPROVAL_FILE = "approval.yaml"
MAX_APPROVAL_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class Approval:
    approved_by: str
    role: str
    approved_at: str
    meeting: str
    notes: str
    inputs_digest: str
    result_digest: str
    recommended: tuple[str, ...]

    def record(self) -> dict[str, Any]:
        """The fields as plain data, in the file's order."""
        return {**dataclasses.asdict(self), "recommended": list(self.recommended)}


def inputs_digest(tender: Tender) -> str:
    """One digest of every input file (path and SHA-256), as the audit lists them."""
    files = sorted(
        (
            source.path.name
            if not source.path.is_relative_to(tender.root)
            else source.path.relative_to(tender.root).as_posix(),
            source.sha256,
        )
        for source in tender.sources
    )
    return content_digest(files, length=64)


def result_digest(ranking: Sequence[tuple[str, int | None, float]]) -> str:
    """One digest of the result: each bid's id, rank and total (to 1e-9)."""
    return content_digest([[bid, rank, round(total, 9)] for bid, rank, total in ranking], length=64)


def read_approval(root: Path) -> Approval | Problem | None:
    """The tender's approval, None when there is none, or the problem that stops it being read."""
    path = root / APPROVAL_FILE
    data = read_optional(root, APPROVAL_FILE, limit=MAX_APPROVAL_BYTES)
    if data is None or isinstance(data, Problem):
        return data
    try:
        content: Any = yaml.safe_load(data)
        return Approval(
            str(content["approved_by"]),
            str(content["role"]),
            str(content["approved_at"]),
            str(content.get("meeting") or ""),
            str(content.get("notes") or ""),
            str(content["inputs_digest"]),
            str(content["result_digest"]),
            tuple(str(bid) for bid in content["recommended"]),
        )
    except (yaml.YAMLError, KeyError, TypeError, ValueError, AttributeError):
        return Problem(
            path,
            "not an approval tenderscore wrote (approved_by, role, approved_at, "
            "inputs_digest, result_digest, recommended); approve again to replace it",
        )


def approval_text(approval: Approval) -> str:
    """``approval.yaml``: the record, with a comment on how it is checked."""
    body = yaml.safe_dump(approval.record(), sort_keys=False, allow_unicode=True)
    return (
        "# The decision record written by `tenderscore approve`: who approved which result.\n"
        "# Any later change to an input makes it stale, and every run and export says so.\n" + body
    )
