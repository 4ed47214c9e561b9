"""Read one YAML file safely and remember where every value came from.

The node graph is composed once with the C safe loader; the walk over it records the position
of every key and value (so any later error can name ``file:line:col``), finds duplicate keys
(which PyYAML would silently drop) and measures the alias-expanded size before anything is
constructed, so an alias bomb is refused in milliseconds instead of exhausting memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tenderscore.errors import Problem

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
    """A parsed file, its data, and the 1-based position of every value and key in it."""

    path: Path
    data: Any
    text: bytes
    values: dict[DataPath, Position] = field(default_factory=dict)
    keys: dict[DataPath, Position] = field(default_factory=dict)

    def position(self, path: Sequence[str | int], *, key: bool = False) -> Position | None:
        """Position of ``path``, or of its nearest ancestor that exists in the file."""
        current = tuple(path)
        if key and current in self.keys:
            return self.keys[current]
        while current not in self.values and current:
            current = current[:-1]
        return self.values.get(current)

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


def read_yaml(path: Path) -> YamlDocument | list[Problem]:
    """Parse ``path``; return the document, or the problems that stop it being read at all."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return [
                Problem(
                    path,
                    f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} "
                    "(is this really a tender file?)",
                )
            ]
        text = path.read_bytes()
    except OSError as exc:
        return [Problem(path, f"cannot read file: {exc.strerror or exc}")]
    return parse_yaml(path, text)


def parse_yaml(path: Path, text: bytes) -> YamlDocument | list[Problem]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return [Problem(path, "file is empty; expected a YAML mapping", line=1, column=1)]
        document = YamlDocument(path=path, data=None, text=text)
        problems = _walk(document, node)
        if problems:
            return problems
        document.data = loader.construct_document(node)
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


def _position(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def _walk(document: YamlDocument, root: yaml.Node) -> list[Problem]:
    """Record positions, report duplicate keys and refuse documents that expand too far."""
    problems: list[Problem] = []
    expanded: dict[int, int] = {}
    walked: set[int] = set()

    def size(node: yaml.Node) -> int:
        known = expanded.get(id(node))
        if known is not None:
            return known
        expanded[id(node)] = 1  # guards against recursive aliases
        total = 1
        if isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(item) for item in node.value)
        expanded[id(node)] = total
        return total

    def walk(node: yaml.Node, path: DataPath) -> None:
        document.values[path] = _position(node)
        if id(node) in walked:
            return
        walked.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, (*path, index))
        elif isinstance(node, yaml.MappingNode):
            first_seen: dict[Any, Position] = {}
            for key_node, value_node in node.value:
                key = _scalar_key(key_node)
                child = (*path, key)
                if key in first_seen:
                    problems.append(
                        Problem(
                            document.path,
                            f"duplicate key {key!r} (first at line {first_seen[key].line}); "
                            "YAML would silently keep only the last",
                            field=format_path(child),
                            line=key_node.start_mark.line + 1,
                            column=key_node.start_mark.column + 1,
                        )
                    )
                    continue
                first_seen[key] = _position(key_node)
                document.keys[child] = first_seen[key]
                walk(value_node, child)

    total = size(root)
    if total > MAX_EXPANDED_NODES:
        return [
            Problem(
                document.path,
                f"document expands to more than {MAX_EXPANDED_NODES:,} values through aliases "
                f"({total:,}); refused as a possible alias bomb",
                line=1,
                column=1,
            )
        ]
    walk(root, ())
    return problems


def _scalar_key(node: yaml.Node) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        return f"<{type(node).__name__} key>"
    if node.tag == "tag:yaml.org,2002:int":
        try:
            return int(node.value.replace("_", ""))
        except ValueError:
            return node.value
    if node.tag == "tag:yaml.org,2002:bool":
        return node.value.lower() in ("yes", "true", "on", "y")
    return node.value


def _yaml_kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    return f"{type(value).__name__} {value!r}"[:60]
