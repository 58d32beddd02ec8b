"""Links to files a notebook wrote (handouts, reports, follow-up sessions) that work in every front end.

JupyterLab opens a link relative to the notebook; the Voilà app and a hub behind a proxy cannot serve
files from outside the notebook folder, so every link also offers the file itself as a download (a
``data:`` URL), which needs no server at all.
"""

from __future__ import annotations

import base64
import html
import mimetypes
import os
from pathlib import Path

from ..i18n import t

e = html.escape


def file_links(path: Path, lang: str) -> str:
    """HTML for one written file: its name linked for JupyterLab, a download link, and where it lies."""
    href = os.path.relpath(path, Path.cwd()).replace(os.sep, "/")
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (
        f"<a href='{e(href)}' target='_blank' rel='noopener'>{e(path.name)}</a>"
        f" · <a href='data:{kind};base64,{data}' download='{e(path.name)}'>{e(t('handout.download', lang))}</a>"
        f" <small>({e(str(path))})</small>"
    )
