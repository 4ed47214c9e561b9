"""Validate OCDS output offline: the standard's 1.1.5 release package schema with the lots,
bid and award criteria extensions merged in as JSON Merge Patches (RFC 7386), from the copies
in tests/data/ocds (the Open Contracting Partnership's validator fetches them from the web).

Two validators: ``plain`` is the standard as published (extra fields allowed, so a field in
the wrong place passes), ``strict`` adds ``additionalProperties: false`` wherever an object
lists its properties and checks every code against its codelist, so a misplaced field or an
invented code fails.
"""

from __future__ import annotations

import copy
import csv
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT4

OCDS = Path(__file__).parent / "data" / "ocds"
EXTENSIONS = ("ocds_lots_extension", "ocds_bid_extension", "ocds_awardCriteria_extension")
RELEASE_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge recursively, null deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def release_schema() -> dict[str, Any]:
    schema = _load(OCDS / "1.1.5" / "release-schema.json")
    for extension in EXTENSIONS:
        schema = merge_patch(schema, _load(OCDS / "extensions" / extension / "release-schema.json"))
    # Lot.submissionTerms refers to the submissionTerms extension, which tenderscore does not use
    schema["definitions"].setdefault("SubmissionTerms", {"type": "object"})
    return schema  # type: ignore[no-any-return]


@cache
def codelists() -> dict[str, frozenset[str]]:
    found: dict[str, frozenset[str]] = {}
    folders = [OCDS / "1.1.5" / "codelists"]
    folders += [OCDS / "extensions" / extension / "codelists" for extension in EXTENSIONS]
    for folder in folders:
        for path in sorted(folder.glob("*.csv")):
            with path.open(encoding="utf-8", newline="") as handle:
                found[path.name] = frozenset(row["Code"] for row in csv.DictReader(handle))
    return found


def _strict(schema: Any) -> Any:
    if isinstance(schema, dict):
        schema = {key: _strict(value) for key, value in schema.items()}
        if "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
        return schema
    if isinstance(schema, list):
        return [_strict(item) for item in schema]
    return schema


def _no_network(uri: str) -> Any:
    raise NoSuchResource(ref=uri)


def _codelist(validator: Any, name: str, instance: Any, schema: Any) -> Iterator[Any]:
    codes = codelists().get(name)
    for value in instance if isinstance(instance, list) else [instance]:
        if codes is not None and isinstance(value, str) and value not in codes:
            yield jsonschema.ValidationError(f"{value!r} is not in the codelist {name}")


@cache
def validator(*, strict: bool) -> Any:
    release = release_schema()
    package = _load(OCDS / "1.1.5" / "release-package-schema.json")
    kind: Any = Draft4Validator
    if strict:
        # without "$schema", following a $ref keeps this validator class and its keyword
        release = {k: v for k, v in _strict(release).items() if k != "$schema"}
        package = {k: v for k, v in _strict(package).items() if k != "$schema"}
        kind = jsonschema.validators.extend(Draft4Validator, {"codelist": _codelist})
    registry = Registry(retrieve=_no_network).with_resource(  # type: ignore[call-arg]
        RELEASE_URL, Resource.from_contents(release, default_specification=DRAFT4)
    )
    return kind(package, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)


def errors(package: Any, *, strict: bool = True) -> list[str]:
    """Every error, as 'path: message'."""
    return sorted(
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator(strict=strict).iter_errors(package)
    )
