"""The views' chart memo and the chart cache behind it: a picture drawn once, by any process, is shown by
the next without drawing, and without importing matplotlib at all when nothing new must be drawn."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from playbook import chartcache
from playbook.chartmemo import KEPT_AS, SvgMemo
from playbook.diagnosis import diagnose
from playbook.session import Session, load_session

from .conftest import EXAMPLE_NL, fresh
from .test_clicks import _same_svg


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty chart cache of the test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _without_ids(svg: str) -> str:
    return re.sub(r"c\d+-", "", svg)


def _iceberg(profile: object) -> object:
    from playbook.charts import iceberg_chart

    return iceberg_chart(profile)  # type: ignore[arg-type]


def test_a_picture_one_memo_drew_is_recalled_by_the_next_without_drawing(cache: Path) -> None:
    profile = diagnose(load_session(EXAMPLE_NL))
    first = SvgMemo(keep=True)
    drawn = first.svg(("iceberg-test", 1), lambda: _iceberg(profile), alt="The iceberg")
    assert (first.drawn, first.recalled) == (1, 0)
    assert len(list(chartcache.folder().glob("*.svg"))) == 1

    other = SvgMemo(keep=True)  # as another process: nothing in memory, the cache on disk
    shown = other.svg(("iceberg-test", 1), lambda: pytest.fail("kept, yet drawn again"), alt="The iceberg")
    assert (other.drawn, other.recalled) == (0, 1)
    assert shown != drawn and _without_ids(shown) == _without_ids(drawn)  # ids of its own, same picture
    assert shown.startswith('<svg role="img" aria-label="The iceberg"')
    other.svg(("iceberg-test", 1), lambda: pytest.fail("remembered, yet drawn again"))
    assert other.recalled == 1, "a picture in memory was read from the cache again"

    changed = SvgMemo(keep=True).svg(("iceberg-test", 2), lambda: _iceberg(diagnose(Session(title="x"))))
    assert _without_ids(changed) != _without_ids(drawn), "another key showed the same picture"


def test_a_memo_without_keep_never_reads_or_writes_the_cache(cache: Path) -> None:
    profile = diagnose(load_session(EXAMPLE_NL))
    SvgMemo(keep=True).svg("k", lambda: _iceberg(profile))
    memo = SvgMemo()
    memo.svg("k", lambda: _iceberg(profile))
    memo.svg("other", lambda: _iceberg(profile))
    assert (memo.drawn, memo.recalled) == (2, 0)
    assert len(list(chartcache.folder().glob("*.svg"))) == 1


def test_a_broken_cache_entry_is_drawn_again_not_shown(cache: Path) -> None:
    profile = diagnose(load_session(EXAMPLE_NL))
    chartcache.keep(KEPT_AS, "k", "<html>not a picture</html>")
    memo = SvgMemo(keep=True)
    shown = memo.svg("k", lambda: _iceberg(profile))
    assert memo.drawn == 1 and shown.startswith("<svg")
    folder = chartcache.folder()
    folder.chmod(0o500)  # a cache that cannot be written costs time, never a result
    try:
        if os.access(folder, os.W_OK):  # root writes anyway: then there is nothing to check here
            return
        again = SvgMemo(keep=True)
        assert again.svg("new", lambda: _iceberg(profile)).startswith("<svg") and again.drawn == 1
    finally:
        folder.chmod(0o700)


def test_a_fresh_kernel_shows_notebook_01_s_charts_without_matplotlib_once_they_were_drawn(
    tmp_path: Path,
) -> None:
    """What a hub participant's kernel does: the hub's warm-up drew the example's charts; a new process
    opens notebook 01's diagnosis on a copy of the example and imports no matplotlib until an answer
    changes a chart, which is then drawn as usual."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    fresh("from playbook.ui.preheat import warm_up; warm_up(); print(1)", env=env)
    copy, second = tmp_path / EXAMPLE_NL.name, tmp_path / "second" / EXAMPLE_NL.name
    second.parent.mkdir()
    for path in (copy, second):
        path.write_bytes(EXAMPLE_NL.read_bytes())
    shown = fresh(
        """
        import json, sys
        from playbook.chartmemo import MEMO
        from playbook.ui import BriefForm, DiagnosisPanel, ReadingsPanel, SessionBinding

        session = SessionBinding.open(sys.argv[1])
        BriefForm(session); panel = DiagnosisPanel(session); ReadingsPanel(session)
        before = {"matplotlib": "matplotlib" in sys.modules, "drawn": MEMO.drawn, "recalled": MEMO.recalled,
                  "charts": [panel.iceberg.value, panel.stage.value, panel.stance.value]}
        toggle = panel.questions["trust-rely"]
        toggle.value = 1 if toggle.value != 1 else 5
        print(json.dumps({**before, "after": {"matplotlib": "matplotlib" in sys.modules, "drawn": MEMO.drawn},
                          "iceberg": panel.iceberg.value}))
        """,
        str(copy),
        env=env,
    )
    assert not shown["matplotlib"], "notebook 01 imported matplotlib for pictures the cache holds"
    assert (shown["drawn"], shown["recalled"]) == (0, 3)
    assert all(chart.startswith('<svg role="img"') and "<title>" in chart for chart in shown["charts"])
    assert shown["after"] == {"matplotlib": True, "drawn": 1}, "a changed answer did not draw its chart"
    assert _without_ids(shown["iceberg"]) != _without_ids(shown["charts"][0])

    # The same pictures as a process that draws them itself, with no cache at all.
    drawn = fresh(
        """
        import json, sys
        from playbook.chartmemo import MEMO
        from playbook.ui import DiagnosisPanel, SessionBinding

        MEMO.keep = False
        panel = DiagnosisPanel(SessionBinding.open(sys.argv[1]))
        print(json.dumps([MEMO.drawn, panel.iceberg.value, panel.stage.value, panel.stance.value]))
        """,
        str(second),
        env=env,
    )
    assert drawn[0] == 3
    assert all(_same_svg(a, b) for a, b in zip(drawn[1:], shown["charts"], strict=True))
