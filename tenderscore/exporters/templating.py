"""Jinja2 templates for reports and summaries, sandboxed and bounded.

An organisation may supply its own templates (``--template DIR``); a template is code, and
one written carelessly or with intent can loop for ever (``range(10**9)`` nested), recurse
(a template that includes itself, a macro that calls itself) or build a string of gigabytes
(``"x" * 10**10``). Every template runs in Jinja2's immutable sandbox, with string and list
repetition bounded, within a time limit and an output limit; any of these ends as a usage
error naming the template (exit 2), never a hang or an internal error.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from tenderscore.errors import UsageError
from tenderscore.exporters.escaping import markdown_text, without_controls

MAX_OUTPUT_CHARS = 64 * 2**20  # one rendered document
MAX_SECONDS = 60  # one rendering of one template
MAX_REPEAT = 2**20  # "x" * n and [..] * n: the most items repetition may make


class TemplateLimitError(Exception):
    """A template went past a bound."""


KNOWN_TEMPLATES = (
    "report.md.j2",
    "report-public.md.j2",
    "summary.md.j2",
    "decision.html.j2",
    "reference.docx",
)
"""What a --template directory may hold; one holding none of them is a mistake (a misspelt
file name would otherwise silently give the built-in wording)."""


def environment(template_dir: Path | None, name: str, *, html: bool = False) -> Any:
    """The sandboxed, bounded environment; ``template_dir`` replaces the built-in ``name``
    when it holds it, and must hold at least one of ``KNOWN_TEMPLATES``. ``html``:
    every value is HTML-escaped, with its control characters dropped, unless a template
    marks it safe (only the page's own inline assets are).

    Raises:
        UsageError: when ``template_dir`` has no ``name``.
    """
    if template_dir is not None and not (template_dir / name).is_file():
        if not any((template_dir / known).is_file() for known in KNOWN_TEMPLATES):
            raise UsageError(
                f"--template {template_dir}: no {name} there to use (nor any of "
                f"{', '.join(KNOWN_TEMPLATES)})"
            )
        template_dir = None  # the organisation replaced other documents: this one is built in
    from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class Bounded(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset(["*", "**"])

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "**" and _number(right) and abs(right) > 64:
                raise TemplateLimitError(f"{operator} by {right} is past the template bound")
            if operator == "*" and _repeats(left, right):
                raise TemplateLimitError("repetition past the template bound")
            return super().call_binop(context, operator, left, right)

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
            """A string method asked for a width past the bound ("".ljust(2**31))."""
            if isinstance(getattr(__obj, "__self__", None), str) and any(
                _number(value) and abs(value) > MAX_REPEAT for value in (*args, *kwargs.values())
            ):
                raise TemplateLimitError("a string method's width is past the template bound")
            return super().call(__context, __obj, *args, **kwargs)

    builtin = PackageLoader("tenderscore", "templates")
    loaders: list[Any] = [FileSystemLoader(str(template_dir))] if template_dir else []
    loaders += [PrefixLoader({"builtin": builtin}), builtin]
    bounded = Bounded(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=html,
        finalize=_plain_text if html else None,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    bounded.filters["md"] = markdown_text
    bounded.filters["cell"] = markdown_text  # a table cell: one line, pipes escaped, as any text
    return bounded


def render(environment: Any, name: str, context: Mapping[str, Any], *, what: str) -> str:
    """``name`` rendered with ``context``, or a UsageError naming the template and the bound.

    ``what`` names the document in messages ("report", "summary").
    """
    from jinja2 import TemplateError

    try:
        template = environment.get_template(name)
        with _time_limit(MAX_SECONDS):
            parts: list[str] = []
            size = 0
            for part in template.generate(context):
                size += len(part)
                if size > MAX_OUTPUT_CHARS:
                    raise TemplateLimitError(f"output past {MAX_OUTPUT_CHARS:,} characters")
                parts.append(part)
        return "".join(parts)
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        where = f" ({getattr(exc, 'filename', None) or name}, line {line})" if line else ""
        raise UsageError(f"{what} template error{where}: {exc.message or exc}") from exc
    except (TemplateLimitError, RecursionError, OverflowError, MemoryError) as exc:
        reason = "it recursed too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise UsageError(f"{what} template {name} stopped: {reason or type(exc).__name__}") from exc


def _plain_text(value: Any) -> Any:
    """A value as an HTML page prints it: text without control or bidirectional formatting
    characters (escaping follows); markup the template marked safe as it is."""
    from markupsafe import Markup

    if isinstance(value, str) and not isinstance(value, Markup):
        return without_controls(value)
    return value


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _repeats(left: Any, right: Any) -> bool:
    """Whether ``left * right`` repeats a sequence past the bound."""
    for sequence, count in ((left, right), (right, left)):
        if isinstance(sequence, str | list | tuple) and isinstance(count, int):
            return count * max(len(sequence), 1) > MAX_REPEAT
    return False


@contextlib.contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    """Raise TemplateLimitError in the rendering when it runs past ``seconds`` (an interval
    timer: only on the main thread, as the command line runs; elsewhere not bounded)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise TemplateLimitError(f"it ran past {seconds} s")

    previous: Callable[..., Any] | int | None = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
