"""The criteria lock: what bidders were told, recorded once, so it cannot drift unnoticed.

``tenderscore lock`` writes ``criteria.lock.yaml`` beside tender.yaml: the published rules
(criteria tree with weights, scales and descriptors, value functions, minimums and gates, the
price formula and its parameters, the whole-life costing terms, aggregation, score
aggregation and tie-break) with their digest, when and by whom they were locked, and every
amendment since (what changed, the basis, when bidders were told). From then on loading
compares the tender with the latest locked digest and names each difference, so a weight, a
descriptor or a formula parameter changed after the tender notice is an error unless it was
recorded as an amendment before the submission deadline.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tenderscore.errors import Problem, UsageError
from tenderscore.input.fingerprints import content_digest
from tenderscore.input.hierarchy import CriteriaTree
from tenderscore.input.models import TenderFile
from tenderscore.input.reading import read_optional

LOCK_FILE = "criteria.lock.yaml"
MAX_LOCK_BYTES = 4 * 2**20
SHOWN_CHANGES = 20


def published_rules(config: TenderFile, tree: CriteriaTree) -> dict[str, Any]:
    """Everything bidders were told that decides how bids are scored, as plain data."""
    criteria = {
        node.id: {
            **node.model.model_dump(mode="json", exclude={"children"}),
            "parent": node.parent,
            "weight": node.stated_weight,
        }
        for node in tree.nodes.values()
    }
    return (
        {
            "reference": config.reference,
            "term_years": config.term_years,
            "discount_rate": config.discount_rate,
            "weighting": tree.weighting,
            "criteria": criteria,
            "price": _price_rule(config),
            "aggregation": config.aggregation.model_dump(mode="json"),
            "score_aggregation": config.score_aggregation,
            "tie_break": list(config.tie_break),
        }
        | _rounding(config)
        | ({"full_scoring": True} if config.full_scoring else {})
    )


def _price_rule(config: TenderFile) -> dict[str, Any]:
    """The published price rule; ``clip`` only when it is not the default, so that locks made
    before the setting existed keep their digest."""
    rule = config.price.model_dump(mode="json")
    if rule.get("clip") is True:
        del rule["clip"]
    return rule


def _rounding(config: TenderFile) -> dict[str, Any]:
    """The published rounding, when there is any (locks made before it existed keep their
    digest)."""
    rounding = config.rounding.model_dump(mode="json", exclude_none=True)
    return {"rounding": rounding} if rounding else {}


def rules_digest(rules: Mapping[str, Any]) -> str:
    """SHA-256 of the published rules (canonical JSON), in full."""
    return content_digest(rules, length=64)


@dataclass(frozen=True, slots=True)
class Amendment:
    date: datetime.date
    basis: str
    bidders_told: datetime.date
    changes: tuple[str, ...]
    digest: str


@dataclass(frozen=True, slots=True)
class Lock:
    """A read lock file: the rules bidders were last told (as locked, or as last amended),
    the digest they were first locked with, and the amendments since."""

    path: Path
    text: bytes
    locked_at: str
    locked_by: str
    rules: dict[str, Any]
    locked_digest: str
    amendments: tuple[Amendment, ...]
    submission_deadline: datetime.date | None

    @property
    def digest(self) -> str:
        """The digest the tender must have now: the last amendment's, else the lock's."""
        return self.amendments[-1].digest if self.amendments else self.locked_digest


def read_lock(root: Path) -> Lock | Problem | None:
    """The tender's lock, None when it has none, or the problem that stops it being read."""
    path = root / LOCK_FILE
    data = read_optional(root, LOCK_FILE, limit=MAX_LOCK_BYTES)
    if data is None or isinstance(data, Problem):
        return data
    try:
        content = yaml.safe_load(data)
        amendments = tuple(
            Amendment(
                _date(item["date"]),
                str(item["basis"]),
                _date(item["bidders_told"]),
                tuple(str(change) for change in item["changes"]),
                str(item["digest"]),
            )
            for item in content.get("amendments") or []
        )
        deadline = content.get("submission_deadline")
        return Lock(
            path,
            data,
            str(content["locked_at"]),
            str(content["locked_by"]),
            dict(content["rules"]),
            str(content["locked_digest"]),
            amendments,
            None if deadline is None else _date(deadline),
        )
    except (yaml.YAMLError, KeyError, TypeError, ValueError, AttributeError) as exc:
        return Problem(path, f"not a criteria lock written by `tenderscore lock` ({exc})")


def lock_problems(lock: Lock, config: TenderFile, tree: CriteriaTree) -> list[Problem]:
    """Why the tender no longer matches what its lock says bidders were told, if it does not."""
    problems = []
    if rules_digest(lock.rules) != lock.digest:
        problems.append(
            Problem(
                lock.path,
                "the locked rules do not match the lock's digest: the lock file was edited",
            )
        )
    for amendment in lock.amendments:
        if lock.submission_deadline and amendment.date > lock.submission_deadline:
            problems.append(
                Problem(
                    lock.path,
                    f"an amendment dated {amendment.date} is after the submission deadline "
                    f"({lock.submission_deadline}): the criteria cannot change once bids are in",
                )
            )
    rules = published_rules(config, tree)
    if rules_digest(rules) != lock.digest:
        named = "; ".join(list(changes_between(lock.rules, rules))[:SHOWN_CHANGES])
        problems.append(
            Problem(
                lock.path.parent / "tender.yaml",
                f"differs from what bidders were told ({LOCK_FILE}, locked {lock.locked_at} by "
                f"{lock.locked_by}): {named}. Restore it, or record an amendment with "
                "`tenderscore lock --amend` before the submission deadline",
            )
        )
    return problems


def changes_between(before: Any, after: Any, path: str = "") -> Iterator[str]:
    """Each difference between two versions of the rules, as 'where: old -> new'."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after), key=str):
            where = f"{path}.{key}" if path else str(key)
            if key not in after:
                yield f"{where} removed"
            elif key not in before:
                yield f"{where} added"
            else:
                yield from changes_between(before[key], after[key], where)
    elif before != after:
        yield f"{path}: {_short(before)} -> {_short(after)}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _date(value: Any) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def lock_text(
    rules: dict[str, Any],
    *,
    locked_at: str,
    locked_by: str,
    locked_digest: str | None = None,
    amendments: tuple[Amendment, ...] = (),
    submission_deadline: datetime.date | None = None,
    replaced: dict[str, str] | None = None,
) -> str:
    """The lock file's text: a header saying what it is, then plain YAML. ``replaced``
    records a lock this one replaced (its digest, when, by whom and why)."""
    content: dict[str, Any] = {
        "locked_at": locked_at,
        "locked_by": locked_by,
        "locked_digest": locked_digest or rules_digest(rules),
        "submission_deadline": None if submission_deadline is None else str(submission_deadline),
        "amendments": [
            {
                "date": str(a.date),
                "basis": a.basis,
                "bidders_told": str(a.bidders_told),
                "changes": list(a.changes),
                "digest": a.digest,
            }
            for a in amendments
        ],
        "rules": rules,
    }
    if replaced is not None:
        content = {"replaced": replaced, **content}
    header = (
        "# What bidders were told, locked by `tenderscore lock`. Do not edit: record a change\n"
        "# with `tenderscore lock --amend` (before the submission deadline).\n"
    )
    return header + yaml.safe_dump(content, sort_keys=False, allow_unicode=True, width=100)


def amended(
    lock: Lock, rules: dict[str, Any], *, basis: str, told: datetime.date, today: datetime.date
) -> str:
    """The lock file's text with an amendment recording how ``rules`` differ from the locked
    ones (what changed is computed, not typed).

    Raises:
        UsageError: when nothing changed, or the submission deadline has passed.
    """
    changes = tuple(changes_between(lock.rules, rules))
    if not changes:
        raise UsageError(f"nothing to amend: the tender matches {LOCK_FILE}")
    if lock.submission_deadline and today > lock.submission_deadline:
        raise UsageError(
            f"the submission deadline ({lock.submission_deadline}) has passed: the published "
            "criteria cannot be amended once bids are in"
        )
    if not basis.strip():
        raise UsageError(
            "--basis: say on what basis the criteria changed (e.g. a revised "
            "tender notice under the Procurement Act 2023 s31)"
        )
    amendment = Amendment(today, basis.strip(), told, changes, rules_digest(rules))
    return lock_text(
        rules,
        locked_at=lock.locked_at,
        locked_by=lock.locked_by,
        locked_digest=lock.locked_digest,
        amendments=(*lock.amendments, amendment),
        submission_deadline=lock.submission_deadline,
    )


def described(lock: Lock) -> list[str]:
    """What is locked, in lines for the terminal."""
    lines = [
        f"{LOCK_FILE}: locked {lock.locked_at} by {lock.locked_by}, digest {lock.digest[:16]}",
    ]
    if lock.submission_deadline:
        lines.append(f"submission deadline {lock.submission_deadline}")
    for a in lock.amendments:
        lines.append(
            f"amended {a.date} ({a.basis}; bidders told {a.bidders_told}): "
            + "; ".join(a.changes[:SHOWN_CHANGES])
        )
    return lines
