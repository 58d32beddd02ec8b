"""Compiled Jinja templates kept between processes, in the playbook's cache folder.

Compiling the node templates and the page template costs every fresh ``playbook handout`` some tens of
milliseconds; Jinja can keep what it compiled (``FileSystemBytecodeCache``). Jinja itself makes an entry
never stale for its source: each entry records the checksum of the template's text and the Jinja and
Python versions, and a template whose text changed is compiled again. What Jinja does not record is how
the environment compiles (its delimiters, whitespace and escaping settings, extensions), so the folder is
named after those: an environment set up differently never reads another's entries.
"""

from __future__ import annotations

import hashlib
from typing import Any

from .yamlio import cache_dir

CACHE_FORMAT = 1

_SETTINGS = (
    "block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
    "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
    "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized",
    "is_async",
)  # fmt: skip


def _describe(env: Any) -> str:
    import jinja2

    autoescape = env.autoescape
    if callable(autoescape):  # a function's behaviour is its code: name it by module and name
        autoescape = f"{getattr(autoescape, '__module__', '')}.{getattr(autoescape, '__qualname__', '')}"
    parts = [
        jinja2.__version__,
        repr(autoescape),
        env.undefined.__module__ + "." + env.undefined.__qualname__,
    ]
    parts += [f"{name}={getattr(env, name, None)!r}" for name in _SETTINGS]
    parts += sorted(env.extensions)
    return "\n".join(parts)


def use_cache(env: Any) -> Any:
    """Give ``env`` a bytecode cache in the playbook's cache folder (if it can be made) and return it."""
    import jinja2

    folder = cache_dir() / f"jinja-{CACHE_FORMAT}" / hashlib.sha256(_describe(env).encode()).hexdigest()[:16]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only or missing home: templates compile as they always did
        return env
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
    return env
