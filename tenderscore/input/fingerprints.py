"""Every fingerprint and digest the tool computes, defined once.

A fingerprint ties a document handed to someone (an evaluator's scoring sheet, later a bidder's
response form or the criteria lock) to the exact inputs it was made from, so a stale or foreign
copy is refused when it comes back. Input digests (SHA-256 of each file read) go into every
export's audit section so ``verify`` can tell whether an input changed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from tenderscore.input.hierarchy import CriteriaTree
from tenderscore.input.models import ScaleCriterion, TenderFile


def file_digest(data: bytes) -> str:
    """SHA-256 of a file's bytes, in hex: the digest recorded for every input in the audit."""
    return hashlib.sha256(data).hexdigest()


def content_digest(content: Any, *, length: int = 16) -> str:
    """SHA-256 of ``content`` as canonical JSON (sorted keys), its first ``length`` hex digits."""
    text = json.dumps(content, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def sheet_seal(key: bytes, fingerprint: str, evaluator: str) -> str:
    """HMAC-SHA256 binding a scoring sheet to the one evaluator it was made for.

    ``key`` is the tender's secret, which never leaves the tender directory: a sheet whose
    evaluator cell is changed to another panel member's id no longer matches its seal, and
    nobody without the key can make a seal that does.
    """
    message = f"tenderscore scoring sheet\n{fingerprint}\n{evaluator}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def same_seal(found: object, expected: str) -> bool:
    """Compare seals in constant time (a seal is a secret-derived value)."""
    return isinstance(found, str) and hmac.compare_digest(found.encode(), expected.encode())


def scoring_sheet_fingerprint(config: TenderFile, tree: CriteriaTree) -> str:
    """SHA-256 (first 16 hex digits) of what an evaluator's sheet tells them to score by: the
    tender, each scored criterion's name, question, scale and descriptors, and the panel with
    its roles and assignments. A sheet made before any of these changed is refused when it
    comes back. (Bids are checked row by row instead, so that one bid file that cannot be read
    does not refuse every sheet.)"""
    content = {
        "tender": [config.reference, config.title, config.buyer],
        "criteria": [
            [
                leaf.id,
                leaf.name,
                leaf.model.question,
                leaf.model.scale.min,
                leaf.model.scale.max,
                {str(point): text for point, text in leaf.model.scale.descriptors.items()},
            ]
            for leaf in tree.leaves
            if isinstance(leaf.model, ScaleCriterion)
        ],
        "panel": [[e.id, e.role, e.sections] for e in config.panel],
    }
    return content_digest(content)


def response_fingerprint(config: TenderFile, tree: CriteriaTree) -> str:
    """SHA-256 (first 16 hex digits) of what a bidder's response form and price schedule ask
    for: the tender, its term and currency, each gate and numeric question with its unit, and
    the discount rate the schedule's totals use. A form filled for another tender, or before
    any of these changed, is refused when it comes back."""
    content = {
        "tender": [config.reference, config.title, config.buyer, config.currency],
        "term": [config.term_years, config.discount_rate],
        "gates": [[gate.id, gate.name] for gate in tree.gates],
        "answers": [
            [leaf.id, leaf.name, getattr(leaf.model, "unit", None)]
            for leaf in tree.leaves
            if leaf.kind == "numeric"
        ],
        "priced": tree.priced,
    }
    return content_digest(content)
