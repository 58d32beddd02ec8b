"""Preheated kernels in the app: everything that does not depend on the session is done before the request.

Voilà can start a page's kernel before anyone opens the page and run the notebook in it
(``VoilaConfiguration.preheat_kernel``; ``playbook.app`` keeps one such kernel ready per page). Run to the
end, that kernel would show the session as it was when the kernel started: a brief edited since, or
another session chosen in notebook 00, would be missing. So a preheated kernel stops at the first cell's
import: importing ``playbook.ui`` there imports every view (ipywidgets, matplotlib, the playbook), reads
the catalogue, the diagnosis questions and the interface strings, draws the shipped example's charts once
(fonts, matplotlib's caches) and then waits in ``voila.utils.wait_for_request`` until the page is asked
for. The rest of the cell opens the session after that, so the page shows it as it is at that moment.

Outside a preheated kernel (JupyterLab, nbclient, a cold Voilà kernel) none of this happens.
The workshop hub runs :func:`warm_up` once in a process of its own when it starts,
so the cache folder its participants share (matplotlib's fonts, the shipped assets, the example's charts
as the views show them) is filled once: a participant's notebook 01 shows the example's charts without
importing matplotlib (:mod:`playbook.chartmemo`).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterable

from ..errors import PlaybookError

READY = "playbook app: a kernel is ready for its page"


def preheating() -> bool:
    """True in a kernel Voilà started ahead of its page (it sets ``VOILA_PREHEAT``)."""
    return os.environ.get("VOILA_PREHEAT") == "True"


def warm_up(modules: Iterable[str] = ()) -> None:
    """Import the view modules and do the work every page repeats, on the example rather than a session."""
    for module in modules:
        importlib.import_module(f"playbook.ui.{module}")
    from ..agenda import plan
    from ..catalogue import load_catalogue
    from ..charts import arc_chart, iceberg_chart, to_svg
    from ..diagnosis import diagnose
    from ..flavours.html import inline_svg
    from ..session import load_session
    from ..structure import arc as arc_node
    from ..structure import iceberg, stage_chart, stance_chart
    from ..workspace import examples

    try:
        catalogue = load_catalogue()
    except PlaybookError:  # the page itself will say what is wrong with the user's own catalogue
        return
    for path in examples().values():
        example = load_session(path)
        profile = diagnose(example)
        arc = plan(example, catalogue, profile)
        to_svg(iceberg_chart(profile))  # matplotlib's fonts and caches, whatever the memo already holds
        to_svg(arc_chart(arc))
        for node in (iceberg(profile), stage_chart(profile), stance_chart(profile), arc_node(arc)):
            inline_svg(node)  # the views' pictures of the example, kept in the chart cache for every kernel


def warm_up_then_wait(modules: Iterable[str]) -> None:
    """Warm up, then block until Voilà hands this kernel a request (its documented preheat protocol)."""
    warm_up(modules)
    from voila.utils import wait_for_request

    # To the app's own log (the kernel's real stderr, not the page): a kernel ready for its page.
    print(f"{READY} (kernel process {os.getpid()})", file=sys.__stderr__, flush=True)
    wait_for_request()
