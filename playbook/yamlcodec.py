"""PyYAML as the playbook reads and writes it: imported by :mod:`playbook.yamlio` on the first parse or dump.

A command that finds everything it needs already built (the object cache keeps the parsed shipped assets
and session documents) never parses YAML, so it need not pay for importing PyYAML, which compiles its
scanner's and resolver's patterns at import (some tens of milliseconds of every process).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, SequenceNode
from yaml.resolver import BaseResolver

from .errors import PlaybookError
from .i18n import message

try:  # the C parser makes loading a large catalogue over ten times faster
    from yaml.cyaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)


MAX_NODES = 200_000
"""Largest document after alias expansion: stops 'billion laughs' files before they eat memory."""

MAX_DIGITS = 30
"""Longest whole number read: playbook files hold minutes and sizes, and Python refuses to even convert
integers past 4,300 digits, which would otherwise surface as a crash in the loader."""


class _Resolver(BaseResolver):
    """YAML 1.2-like implicit types: only true/false, decimal numbers and null are not text."""


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


class _NumberTooLarge(yaml.MarkedYAMLError):
    """A number no playbook field could hold; reported with its line like any other YAML problem."""


class _Loader(_Parser, SafeConstructor, _Resolver):
    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        SafeConstructor.__init__(self)
        _Resolver.__init__(self)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        digits = len(str(node.value).lstrip("+-"))
        if digits > MAX_DIGITS:
            raise _NumberTooLarge(
                problem=message("errors.number_digits", digits=f"{digits:,}", limit=MAX_DIGITS),
                problem_mark=node.start_mark,
            )
        return super().construct_yaml_int(node)

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float:
        value = super().construct_yaml_float(node)
        if not math.isfinite(value):
            raise _NumberTooLarge(problem=message("errors.number_too_large"), problem_mark=node.start_mark)
        return value


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_yaml_float)


class _Dumper(yaml.SafeDumper):
    """Writes text the way a person would: UTF-8, keys in order, multi-line text as blocks.

    libyaml's emitter writes the same text some seven times faster, but escapes characters beyond the
    Basic Multilingual Plane (emoji become ``\\U0001F680``) and writes a few keys differently;
    :func:`dump_yaml` uses it only where it writes the same text, and this pure-Python emitter otherwise.
    """


_FastDumper: type | None
try:
    from yaml import CSafeDumper

    class _FastDumper(CSafeDumper):  # type: ignore[no-redef]
        """libyaml's emitter with the same representers as :class:`_Dumper`."""

except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _FastDumper = None


_READ_AS_BREAKS = frozenset("\r\x85\u2028\u2029")
"""Characters a YAML reader turns into line breaks: only a double-quoted (escaped) scalar keeps them."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if _READ_AS_BREAKS.intersection(value):
        style: str | None = '"'
    else:
        style = "|" if "\n" in value.strip("\n") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)
if _FastDumper is not None:
    _FastDumper.add_representer(str, _represent_str)

_BEYOND_BMP = re.compile("[\U00010000-\U0010ffff]")


def _needs_careful_emitter(data: Any) -> bool:
    """True where libyaml would write other text than the pure-Python emitter: a character beyond the
    Basic Multilingual Plane anywhere (it escapes it), or a key that is empty or over 128 bytes (it
    measures keys in bytes, not characters, and writes them as simple keys where Python writes ``?``)."""
    if isinstance(data, str):
        return _BEYOND_BMP.search(data) is not None
    if isinstance(data, dict):
        return any(
            (isinstance(k, str) and not 0 < len(k.encode("utf-8")) <= 128)
            or _needs_careful_emitter(k)
            or _needs_careful_emitter(v)
            for k, v in data.items()
        )
    if isinstance(data, (list, tuple)):
        return any(_needs_careful_emitter(v) for v in data)
    return False


def _expanded_size_exceeds(root: Node, limit: int) -> bool:
    """Count nodes as if every alias were copied out; stop as soon as the count passes ``limit``."""
    count = 0
    stack: list[Node] = [root]
    while stack:
        node = stack.pop()
        count += 1
        if count > limit:
            return True
        if isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                stack.append(key)
                stack.append(value)
    return False


def _where(exc: yaml.MarkedYAMLError) -> str:
    mark = exc.problem_mark or exc.context_mark
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""


def parse(text: str, file: str | Path = "<text>") -> Any:
    """Parse YAML text into plain Python data, or raise a :class:`PlaybookError` that says where."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size_exceeds(node, MAX_NODES):
            raise PlaybookError.at(
                file,
                "",
                message("errors.yaml_aliases", limit=f"{MAX_NODES:,}"),
            )
        return loader.construct_document(node)
    except _NumberTooLarge as exc:
        raise PlaybookError.at(file, _where(exc), str(exc.problem)) from None
    except yaml.constructor.ConstructorError as exc:
        tag = getattr(exc.problem_mark, "name", "")
        detail = (exc.problem or "").split(" for the tag ")[-1] if exc.problem else ""
        raise PlaybookError.at(
            file,
            _where(exc),
            message("errors.yaml_tag", tag=detail or tag),
        ) from None
    except yaml.MarkedYAMLError as exc:
        raise PlaybookError.at(
            file, _where(exc), message("errors.yaml_invalid", problem=exc.problem)
        ) from None
    except yaml.YAMLError as exc:
        raise PlaybookError.at(file, "", message("errors.yaml_broken", problem=exc)) from None
    finally:
        loader.dispose()


def dump(data: Any) -> str:
    """Plain data as readable YAML (see :func:`playbook.yamlio.dump_yaml`)."""
    dumper = _Dumper if _FastDumper is None or _needs_careful_emitter(data) else _FastDumper
    return yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100, indent=2)
