"""The report after a session: planned and actual per block on one clock, what changed, small photos."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from pathlib import Path

import pytest

from playbook.catalogue import Catalogue
from playbook.charts import plan_vs_actual_chart
from playbook.errors import PlaybookError
from playbook.live import Live
from playbook.report import PHOTO_BYTES, report_html, small_photo
from playbook.review import review
from playbook.session import SessionFile

from .conftest import EXAMPLE_NL


class Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def wait(self, minutes: int) -> None:
        self.now += dt.timedelta(minutes=minutes)


def _ran(tmp_path: Path, catalogue: Catalogue, start: dt.datetime) -> tuple[SessionFile, Clock]:
    """The Dutch example run from ``start``: block 2 swapped, block 3 shortened, block 6 cut."""
    path = tmp_path / EXAMPLE_NL.name
    shutil.copyfile(EXAMPLE_NL, path)
    clock = Clock(start)
    live = Live(SessionFile.open(path), catalogue, clock=clock)
    planned = [b.minutes for b in live.session.agenda]  # every other block takes what was planned
    live.start()  # welcome
    clock.wait(planned[0])
    live.swap_to_plan_b(1)  # check-in → weather report, before it starts
    live.start()
    clock.wait(planned[1])
    live.observe("tension")
    live.start()  # hopes and concerns
    live.resize(None, planned[2] - 8)
    clock.wait(planned[2] - 8)
    live.start()  # appreciative interviews
    clock.wait(planned[3])
    live.start()  # coffee
    clock.wait(planned[4])
    live.cut()  # the elephant in the room
    for n, minutes in enumerate(planned[6:]):
        live.start()
        clock.wait(minutes)
        if n == 1:
            live.observe("breakthrough", "De afspraken vallen op hun plek")
    live.finish()
    return SessionFile.open(path), clock


def test_planned_and_actual_are_matched_block_by_block(tmp_path: Path, catalogue: Catalogue) -> None:
    handle, _ = _ran(tmp_path, catalogue, dt.datetime(2027, 1, 14, 12, 50))  # ten minutes early
    r = review(handle.session, catalogue)
    by_title = {row.planned.title: row for row in r.rows if row.planned}
    assert all(row.planned is not None for row in r.rows)  # nothing was inserted
    assert (
        by_title["Incheckronde"].changes == ("swapped",)
        and by_title["Incheckronde"].actual.title == "Weerbericht"
    )
    assert by_title["Hoop en zorgen"].changes == ("shorter",)
    hopes = by_title["Hoop en zorgen"]
    assert hopes.actual.minutes == hopes.planned.minutes - 8
    assert (
        by_title["De olifant in de kamer"].changes == ("cut",)
        and by_title["De olifant in de kamer"].actual is None
    )
    kept = [row for row in r.rows if row.changes == ("as-planned",)]
    assert len(kept) == 8 and all(row.planned.minutes == row.actual.minutes for row in kept)
    assert r.start_shift == -10 and r.origin == 12 * 60 + 50


def test_the_report_table_shows_the_planned_time_of_every_block_that_ran(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    handle, _ = _ran(tmp_path, catalogue, dt.datetime(2027, 1, 14, 12, 50))
    page = report_html(handle, catalogue)
    rows = re.findall(
        r"<tr[^>]*>(.*?)</tr>", page.split('<table class="compare">')[1].split("</table>")[0], re.S
    )[1:]
    assert len(rows) == 11
    assert all(re.search(r"\d\d:\d\d–\d\d:\d\d", row.split("</td>")[1]) for row in rows)  # planned
    assert "13:30–13:50" in page and "vervangen door plan B" in page and "geschrapt" in page
    assert "“De olifant in de kamer” is geschrapt." in page.replace("&#34;", '"')
    assert "10 minuten vroeger, om 12:50" in page


def test_observations_have_one_clock_in_the_list_and_the_chart(tmp_path: Path, catalogue: Catalogue) -> None:
    for start in (dt.datetime(2027, 1, 14, 12, 50), dt.datetime(2027, 1, 10, 14, 0)):  # early; a rehearsal
        folder = tmp_path / start.strftime("%d%H")
        folder.mkdir()
        handle, _ = _ran(folder, catalogue, start)
        r = review(handle.session, catalogue)
        seen = handle.session.run.observations
        page = report_html(handle, catalogue)
        for o, placed in zip(seen, r.observations, strict=True):
            assert f"{o.at:%H:%M}" in page  # the list shows the moment it was seen
            assert r.origin + placed.minute == o.at.hour * 60 + o.at.minute  # the chart: same clock
        fig = plan_vs_actual_chart(r)
        low, high = fig.axes[0].get_xlim()
        assert all(low <= o.minute <= high for o in r.observations)  # nothing drawn off the chart
        ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
        assert ticks[0].endswith(("00", "30")) and ticks[0] >= f"{start:%H:%M}"[:2]


def test_a_rehearsal_is_compared_from_its_own_start(tmp_path: Path, catalogue: Catalogue) -> None:
    handle, _ = _ran(tmp_path, catalogue, dt.datetime(2027, 1, 10, 14, 0))
    r = review(handle.session, catalogue)
    assert r.planned.start == r.actual.start == 14 * 60
    page = report_html(handle, catalogue)
    assert "14:10" in page and "09:10" not in page


def test_the_report_leads_with_result_and_actions_and_names_the_session(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    handle, clock = _ran(tmp_path, catalogue, dt.datetime(2027, 1, 14, 13, 0))
    live = Live(handle, catalogue, clock=clock)
    live.capture_result("Vijf afspraken op de wand.")
    live.add_action("Afspraken uitwerken", "Marieke", "1 februari")
    page = report_html(SessionFile.open(handle.path), catalogue)
    head = page.split("<h2>")[0]
    assert (
        "Marieke de Vries" in head
        and "donderdag 14 januari 2027" in head
        and "We werken sinds januari" in head
    )
    sections = re.findall(r"<h2>(.*?)</h2>", page)
    assert sections[:3] == ["Zichtbaar resultaat", "Acties", "Plan en uitvoering"]


def test_before_the_run_the_report_shows_the_plan_and_claims_no_actual(catalogue: Catalogue) -> None:
    page = report_html(SessionFile.open(EXAMPLE_NL), catalogue)
    ran = page.split("<h2>Plan en uitvoering</h2>")[1]
    assert "nog niet gehouden" in ran and "Gepland" in ran
    assert "Werkelijk" not in ran and "volgens plan" not in ran and "<svg" not in ran
    assert "Welkom en bedoeling van de middag" in ran and "13:00–13:10" in ran


def _photo(width: int, height: int) -> bytes:
    import numpy as np
    from PIL import Image

    noise = (np.random.default_rng(1).random((height, width, 3)) * 255).astype("uint8")
    out = io.BytesIO()
    Image.fromarray(noise).save(out, format="JPEG", quality=95)
    return out.getvalue()


def test_photos_are_made_small_before_they_are_embedded(tmp_path: Path, catalogue: Catalogue) -> None:
    big = _photo(4000, 3000)
    assert len(big) > 3_000_000
    kind, data = small_photo(big)
    assert kind == "image/jpeg" and len(data) <= PHOTO_BYTES
    handle, clock = _ran(tmp_path, catalogue, dt.datetime(2027, 1, 14, 13, 0))
    Live(handle, catalogue, clock=clock).capture_result("Wand", [("flip.jpg", big)])
    page = report_html(SessionFile.open(handle.path), catalogue)
    photos = re.findall(r"data:image/jpeg;base64,([A-Za-z0-9+/=]+)", page)
    assert len(photos) == 1 and len(photos[0]) * 3 / 4 <= PHOTO_BYTES
    assert len(page.encode()) < 500_000


def test_a_photo_outside_the_session_folder_or_not_an_image_is_left_out(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    handle, _ = _ran(tmp_path, catalogue, dt.datetime(2027, 1, 14, 13, 0))
    outside = tmp_path.parent / "secret.png"
    outside.write_bytes(_photo(10, 10))
    (tmp_path / "fake.png").write_text("not an image", encoding="utf-8")
    (tmp_path / "link.png").symlink_to(outside)  # inside by its name, outside by where it leads
    run = handle.session.run
    from dataclasses import replace

    with pytest.raises(PlaybookError, match=r"run.photos\[0\]"):  # a path out is refused by the check
        handle.save(handle.session.with_changes(run=replace(run, photos=("../secret.png",))))
    handle.save(handle.session.with_changes(run=replace(run, photos=("link.png", "fake.png"))))
    page = report_html(SessionFile.open(handle.path), catalogue)
    assert "data:image/jpeg" not in page and "data:image/png" not in page
    assert "link.png" in page and "fake.png" in page  # each named as left out


@pytest.mark.parametrize("suffix", [".html"])
def test_write_report_writes_the_file(tmp_path: Path, catalogue: Catalogue, suffix: str) -> None:
    from playbook.report import write_report

    handle, _ = _ran(tmp_path, catalogue, dt.datetime(2027, 1, 14, 13, 0))
    target = write_report(handle, catalogue, tmp_path / f"report{suffix}")
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
