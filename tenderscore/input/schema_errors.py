"""Turn pydantic validation errors into located, readable problems.

Pydantic reports a ``loc`` tuple per error. It is mapped back onto the YAML data (skipping the
union tags pydantic inserts) so that each problem names the file, line, column and field, says
what was expected and what was found, and suggests the nearest valid key for a typo.
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from tenderscore.errors import Problem
from tenderscore.input.yamlfile import DataPath, YamlDocument, format_path

M = TypeVar("M", bound=BaseModel)

_MAX_GOT = 60


def validate_document(model: type[M], document: YamlDocument) -> M | list[Problem]:
    """Validate ``document.data`` as ``model``; never ``str()`` the error (alias-bomb safety)."""
    try:
        return model.model_validate(document.data)
    except ValidationError as exc:
        errors = _drop_losing_branches(
            document.data, exc.errors(include_url=False, include_input=False)
        )
        return _deduplicate([_problem(model, document, error) for error in errors])


def _drop_losing_branches(data: Any, errors: list[Any]) -> list[Any]:
    """Keep, for a union, only the branch errors that reach deepest into the data.

    For ``criteria: str | list[Node]`` a list with one bad weight fails both branches; the
    useful error is the one inside the list, not "expected a string".
    """
    paths = [tuple(data_path(data, tuple(error["loc"]))) for error in errors]
    # Linear in the errors (a bid with 40,000 unknown keys took 65 s when every error was
    # compared with every other): the paths that have a deeper error below them, and the
    # paths that have an error other than a wrong type.
    above_deeper = {path[:k] for path in paths for k in range(len(path))}
    type_fitted = {
        path for path, error in zip(paths, errors, strict=True) if not _wrong_type(error)
    }
    kept = []
    for error, path in zip(errors, paths, strict=True):
        through_union = len(path) < len(error["loc"]) and error["type"] != "missing"
        deeper = path in above_deeper
        # A branch that wanted another type, beside one whose type fitted ("expected a string"
        # beside "should have at least 1 item" for an empty list): the data chose the latter.
        wrong_type = _wrong_type(error) and path in type_fitted
        if not (through_union and (deeper or wrong_type)):
            kept.append(error)
    return kept


def _wrong_type(error: Any) -> bool:
    return str(error["type"]).endswith("_type")


def _deduplicate(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    unique = []
    for problem in problems:
        key = (problem.field, problem.message)
        if key not in seen:
            seen.add(key)
            unique.append(problem)
    return unique


def data_path(data: Any, loc: tuple[str | int, ...]) -> DataPath:
    """The part of a pydantic ``loc`` that exists in the data, plus a final missing key."""
    path: list[str | int] = []
    current = data
    for index, part in enumerate(loc):
        child = _child(current, part)
        if child is not _MISSING:
            current = child
            path.append(part)
        elif index == len(loc) - 1 and isinstance(current, dict):
            path.append(part)
        # anything else is a union tag or a validator name inserted by pydantic: skip it
    return tuple(path)


_MISSING = object()


def _child(data: Any, part: str | int) -> Any:
    if isinstance(data, dict):
        return data.get(part, _MISSING)
    if isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
        return data[part]
    return _MISSING


def _value_at(data: Any, path: DataPath) -> Any:
    for part in path:
        data = _child(data, part)
    return data


def _problem(model: type[BaseModel], document: YamlDocument, error: Any) -> Problem:
    path = data_path(document.data, tuple(error["loc"]))
    kind = error["type"]
    if kind == "extra_forbidden":
        key = path[-1] if path else "?"
        allowed = allowed_keys(model, document.data, path[:-1])
        message = f"unknown key {key!r}"
        suggestion = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
        if suggestion:
            message += f"; did you mean {suggestion[0]!r}?"
        if allowed:
            message += f" (expected one of: {', '.join(allowed)})"
        return document.problem(path, message, key=True)
    if kind == "missing":
        return document.problem(
            path, f"required key {path[-1]!r} is missing", field=format_path(path)
        )
    if _separator_split(document.data, path):
        return document.problem(path[:-1], THOUSANDS)
    message = _expected(error)
    got = _value_at(document.data, path)
    if got is not _MISSING and kind not in ("value_error", "assertion_error"):
        message += f"; got {_describe(got)}" + _hint(kind, got)
    return document.problem(path, message)


THOUSANDS = (
    "a number written with a thousands separator (such as 290,000) is read here as two "
    "entries, 290 and a key 000 with no value: write numbers without separators (290000)"
)


def _separator_split(data: Any, path: DataPath) -> bool:
    """Whether ``path`` is a key YAML made of the digits after a thousands separator: in
    ``{licences: 290,000}`` the comma ends the entry, and ``000`` becomes a key (the number 0)
    with no value."""
    if not path or not isinstance(path[-1], int) or isinstance(path[-1], bool):
        return False
    parent = _value_at(data, path[:-1])
    return isinstance(parent, dict) and path[-1] in parent and parent[path[-1]] is None


PLACEHOLDER = re.compile(r"^<[^<>]*>$")


def is_placeholder(text: str) -> bool:
    """Whether ``text`` is a ``<...>`` that ``tenderscore init`` or the bid template wrote."""
    return bool(PLACEHOLDER.match(text.strip()))


_WORDS = {
    "dict_type": "expected a mapping (indented 'key: value' lines)",
    "model_type": "expected a mapping (indented 'key: value' lines)",
    "model_attributes_type": "expected a mapping (indented 'key: value' lines)",
    "list_type": "expected a list (lines starting with '- ', or [a, b])",
    "string_type": "expected text",
    "float_type": "expected a number",
    "int_type": "expected a whole number",
    "bool_type": "expected true or false",
    "finite_number": "expected a finite number",
}


def _expected(error: Any) -> str:
    """Pydantic's error in the words of someone writing YAML."""
    kind, message, context = error["type"], str(error["msg"]), error.get("ctx") or {}
    if kind == "value_error":
        return message.removeprefix("Value error, ")
    if kind in _WORDS:
        return _WORDS[kind]
    if kind == "too_short":
        return f"expected at least {context.get('min_length', 1)} item(s)"
    if kind == "too_long":
        return f"expected at most {context.get('max_length')} item(s)"
    bounds = {
        "less_than_equal": "at most {le}",
        "less_than": "less than {lt}",
        "greater_than_equal": "at least {ge}",
        "greater_than": "more than {gt}",
    }
    if kind in bounds:
        return "expected a number " + bounds[kind].format(
            **{k: f"{v:g}" for k, v in context.items()}
        )
    if message.startswith("Input should be "):
        return "expected " + message.removeprefix("Input should be ")
    return message[0].lower() + message[1:]


def _hint(kind: str, got: Any) -> str:
    """How to fix the commonest slips: a number in quotes, thousands separators, yes/no."""
    if isinstance(got, str) and is_placeholder(got):
        return " (still the template's placeholder: fill it in)"
    if isinstance(got, bool) and kind == "string_type":
        return " (YAML reads yes/no/on/off/true/false as booleans: put it in quotes)"
    if isinstance(got, str) and kind in ("float_type", "int_type"):
        bare = got.strip().replace(",", "").replace("_", "")
        try:
            float(bare)
        except ValueError:
            return ""
        if "," in got:
            return f" (write numbers without thousands separators: {bare})"
        return " (a number typed as text: remove the quotes)"
    return ""


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    text = repr(value)
    if len(text) > _MAX_GOT:
        text = text[: _MAX_GOT - 3] + "..."
    return f"{text} ({type(value).__name__})"


@cache
def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()


def allowed_keys(model: type[BaseModel], data: Any, path: DataPath) -> list[str]:
    """The keys the schema allows for the mapping at ``path`` in ``data``."""
    root = _schema(model)
    definitions = root.get("$defs", {})
    schema: dict[str, Any] = root
    current = data
    for part in path:
        schema = _resolve(schema, definitions, current)
        if isinstance(part, int):
            schema = schema.get("items", {})
        elif part in schema.get("properties", {}):
            schema = schema["properties"][part]
        else:
            additional = schema.get("additionalProperties")
            schema = additional if isinstance(additional, dict) else {}
        current = _child(current, part)
    schema = _resolve(schema, definitions, current)
    return sorted(schema.get("properties", {}))


def _resolve(schema: dict[str, Any], definitions: dict[str, Any], data: Any) -> dict[str, Any]:
    """Follow ``$ref`` and pick the ``anyOf``/``oneOf`` branch that fits ``data`` best."""
    for _ in range(20):
        if "$ref" in schema:
            schema = definitions[schema["$ref"].rsplit("/", 1)[-1]]
            continue
        options = schema.get("anyOf") or schema.get("oneOf")
        if not options:
            return schema
        schema = max(options, key=lambda option: _fit(option, definitions, data))
    return schema


def _fit(option: dict[str, Any], definitions: dict[str, Any], data: Any) -> int:
    while "$ref" in option:
        option = definitions[option["$ref"].rsplit("/", 1)[-1]]
    if not isinstance(data, dict):
        return 1 if option.get("type") == "array" and isinstance(data, list) else 0
    properties = option.get("properties", {})
    score = sum(1 for key in data if key in properties)
    if "children" in data and "children" in properties:
        score += 1000  # the criteria discriminator: a node with children is a section
    for key, spec in properties.items():
        if "const" in spec and data.get(key) == spec["const"]:
            score += 100
    return score
