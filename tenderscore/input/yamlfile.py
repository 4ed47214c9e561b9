"""Read one YAML file safely, and find where any value came from when an error needs it.

The node graph is composed once with the C safe loader; one walk over it constructs the data,
finds duplicate keys (which PyYAML would silently drop) and counts the alias-expanded size as
it goes, so an alias bomb is refused in milliseconds instead of exhausting memory. The
position of every key and value (for ``file:line:col`` in messages) is recorded by walking
the text again when a message first asks for one: a valid file never does, and 2,000 bids'
positions held 600 MiB.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tenderscore.errors import Problem
from tenderscore.input.reading import read_input

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_EXPANDED_NODES = 2_000_000

DataPath = tuple[str | int, ...]

try:
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader


@dataclass(frozen=True, slots=True)
class Position:
    line: int
    column: int


@dataclass(slots=True)
class YamlDocument:
    """A parsed file, its data, and (found when first asked for) the 1-based position of
    every value and key in it."""

    path: Path
    data: Any
    text: bytes
    problems: tuple[Problem, ...] = ()
    """What is wrong with the file though it could be read (a key given twice): the data is
    still validated, so every problem of the file is reported at once."""
    _positions: tuple[dict[DataPath, Position], dict[DataPath, Position]] | None = None

    def position(self, path: Sequence[str | int], *, key: bool = False) -> Position | None:
        """Position of ``path``, or of its nearest ancestor that exists in the file."""
        if self._positions is None:
            loader = _Loader(self.text)
            try:
                builder = _Builder(self.path, loader, record=True)
                node = loader.get_single_node()
                if node is not None:
                    builder.build(node, ())
            finally:
                loader.dispose()
            self._positions = (builder.values, builder.keys)
        values, keys = self._positions
        current = tuple(path)
        if key and current in keys:
            return keys[current]
        while current not in values and current:
            current = current[:-1]
        return values.get(current)

    def problem(
        self,
        path: Sequence[str | int],
        message: str,
        *,
        key: bool = False,
        field: str | None = None,
    ) -> Problem:
        pos = self.position(path, key=key)
        return Problem(
            path=self.path,
            message=message,
            field=format_path(path) if field is None else field,
            line=pos.line if pos else None,
            column=pos.column if pos else None,
        )


def format_path(path: Sequence[str | int]) -> str:
    """``('criteria', 0, 'weight')`` -> ``criteria[0].weight``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def read_yaml(path: Path, *, within: Path | None = None) -> YamlDocument | list[Problem]:
    """Parse ``path``; return the document, or the problems that stop it being read at all.

    ``within``: the directory the file must stay inside (see ``reading.read_input``).
    """
    text = read_input(path, limit=MAX_FILE_BYTES, within=within)
    if isinstance(text, Problem):
        return [text]
    return parse_yaml(path, text)


def parse_yaml(path: Path, text: bytes) -> YamlDocument | list[Problem]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return [Problem(path, "file is empty; expected a YAML mapping", line=1, column=1)]
        builder = _Builder(path, loader, record=False)
        data = builder.build(node, ())
        document = YamlDocument(path=path, data=data, text=text, problems=tuple(builder.problems))
    except _TooLarge as exc:
        return [
            Problem(
                path,
                f"document expands to more than {MAX_EXPANDED_NODES:,} values through aliases "
                f"(reached {exc.args[0]:,}); refused as a possible alias bomb",
                line=1,
                column=1,
            )
        ]
    except RecursionError:
        return [Problem(path, "document is nested too deeply to be a tender file")]
    except yaml.MarkedYAMLError as exc:
        return [_syntax_problem(path, exc)]
    except yaml.YAMLError as exc:
        return [Problem(path, f"invalid YAML: {exc}")]
    finally:
        loader.dispose()
    if not isinstance(document.data, dict):
        return [
            Problem(
                path,
                f"expected a YAML mapping of keys to values, got {_yaml_kind(document.data)}",
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
            )
        ]
    return document


def _syntax_problem(path: Path, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    message = exc.problem or "invalid YAML"
    if exc.context:
        message = f"{exc.context}: {message}"
    if "python/" in message or "could not determine a constructor" in message:
        message = f"unsupported YAML tag ({message}); tender files hold plain data only"
    return Problem(
        path,
        f"YAML syntax error: {message}",
        line=mark.line + 1 if mark else None,
        column=mark.column + 1 if mark else None,
    )


class _TooLarge(Exception):
    """The alias-expanded document passed ``MAX_EXPANDED_NODES``."""


_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


class _Builder:
    """Construct the data from the node graph in one pass, and with ``record`` the position
    of every value and key.

    Each node is constructed once; an alias returns the object already built and adds the
    size of its subtree to the expanded count, so a bomb is refused long before it is
    expanded. Duplicate keys, which PyYAML would silently drop, are reported.
    """

    def __init__(self, path: Path, loader: yaml.SafeLoader, *, record: bool) -> None:
        self.path = path
        self.record = record
        self.values: dict[DataPath, Position] = {}
        self.keys: dict[DataPath, Position] = {}
        self.loader = loader
        self.constructors = loader.yaml_constructors
        self.built: dict[int, tuple[Any, int]] = {}
        self.expanded = 0
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, path: DataPath) -> Any:
        value, _size = self._build(node, path)
        return value

    def _count(self, size: int) -> None:
        self.expanded += size
        if self.expanded > MAX_EXPANDED_NODES:
            raise _TooLarge(self.expanded)

    def _build(self, node: yaml.Node, path: DataPath) -> tuple[Any, int]:
        if self.record:
            self.values[path] = Position(node.start_mark.line + 1, node.start_mark.column + 1)
        known = self.built.get(id(node))
        if known is not None:
            self._count(known[1])
            return known
        self._count(1)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node), 1
        if node.tag not in (_SEQ, _MAP):
            self.constructors[None](self.loader, node)  # raises: unknown tags are refused
        size = 1
        if isinstance(node, yaml.SequenceNode):
            items: list[Any] = []
            self.built[id(node)] = (items, 1)
            for index, child in enumerate(node.value):
                value, child_size = self._build(child, (*path, index))
                items.append(value)
                size += child_size
            self.built[id(node)] = (items, size)
            return items, size
        assert isinstance(node, yaml.MappingNode)
        mapping: dict[Any, Any] = {}
        self.built[id(node)] = (mapping, 1)
        first_seen: dict[Any, Position] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node, path)
            if key is _BAD_KEY:
                continue
            child = (*path, key)
            position = Position(key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in first_seen:
                self.problems.append(
                    Problem(
                        self.path,
                        f"duplicate key {key!r} (first at line {first_seen[key].line}); "
                        "YAML would silently keep only the last",
                        field=format_path(child),
                        line=position.line,
                        column=position.column,
                    )
                )
                continue
            first_seen[key] = position
            if self.record:
                self.keys[child] = position
            mapping[key], child_size = self._build(value_node, child)
            size += child_size
        self.built[id(node)] = (mapping, size)
        return mapping, size

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag == _STR:
            return node.value
        constructor = self.constructors.get(node.tag) or self.constructors[None]
        try:
            return constructor(self.loader, node)
        except (ValueError, OverflowError):
            # A date that does not exist (2026-02-30), an integer past Python's 4,300-digit
            # limit: kept as the text it is, so validation says where it was not expected.
            return node.value

    def _key(self, node: yaml.Node, path: DataPath) -> Any:
        if isinstance(node, yaml.ScalarNode) and node.tag != _MERGE:
            key = self._scalar(node)
            if isinstance(key, str | int | bool) or key is None:
                return key
        what = "merge keys (<<)" if node.tag == _MERGE else "keys that are not plain scalars"
        self.problems.append(
            Problem(
                self.path,
                f"{what} are not supported in tender files",
                field=format_path(path),
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
            )
        )
        return _BAD_KEY


_BAD_KEY = object()


def _yaml_kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    return f"{type(value).__name__} {value!r}"[:60]
