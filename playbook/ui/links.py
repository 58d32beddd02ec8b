"""Links to files a notebook wrote (handouts, reports, follow-up sessions) that work in every front end.

JupyterLab opens a link relative to the notebook; the Voilà app and a hub behind a proxy cannot serve
files from outside the notebook folder, so every link also offers the file itself as a download (a
``data:`` URL), which needs no server at all.
"""

from __future__ import annotations

import base64
import mimetypes
import os
from pathlib import Path

from ..i18n import t
from ..structure.nodes import Inline, Link, muted


def file_link_parts(path: Path, lang: str, where: bool = True) -> tuple[Inline, ...]:
    """One written file: its name linked for JupyterLab, a download link and its folder. Without
    ``where`` (a snapshot for a page built elsewhere) only the name and the download: no folder of this
    machine, not even in a link."""
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    download = Link(t("handout.download", lang), f"data:{kind};base64,{data}", download=path.name)
    if not where:
        return (path.name, " · ", download)
    href = os.path.relpath(path, Path.cwd()).replace(os.sep, "/")
    return (Link(path.name, href), " · ", download, " ", muted(f"({path})"))


def file_links(path: Path, lang: str) -> str:
    """The same as HTML, for a widget."""
    from ..flavours.widget import line

    return line(*file_link_parts(path, lang))
