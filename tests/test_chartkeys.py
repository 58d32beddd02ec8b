"""What each chart shows, read without matplotlib: the keys the views and the exported pages share."""

from __future__ import annotations

from dataclasses import replace

from playbook import chartkeys, charts
from playbook.agenda import plan
from playbook.catalogue import Catalogue
from playbook.session import Block, load_session

from .conftest import EXAMPLE_EN, fresh


def test_a_key_is_read_without_matplotlib() -> None:
    loaded = fresh(
        """
        import json, sys
        from playbook import chartkeys
        from playbook.agenda import plan
        from playbook.catalogue import load_catalogue
        from playbook.diagnosis import diagnose
        from playbook.paths import examples_dir
        from playbook.session import load_session
        session = load_session(examples_dir() / "quarterly-retrospective.session.yaml")
        profile = diagnose(session)
        chartkeys.arc_key(plan(session, load_catalogue([]), profile))
        chartkeys.stage_key(profile)
        print(json.dumps("matplotlib" in sys.modules))
        """
    )
    assert loaded is False


def test_the_views_and_the_pages_use_the_same_keys(catalogue: Catalogue) -> None:
    for name in ("arc_key", "iceberg_key", "stage_key", "stance_key"):
        assert getattr(charts, name) is getattr(chartkeys, name)


def test_an_arc_key_changes_with_what_the_arc_shows_only(catalogue: Catalogue) -> None:
    session = load_session(EXAMPLE_EN)
    first, second, *rest = session.agenda

    def key(block: Block, audience: str = "facilitator") -> tuple[object, ...]:
        agenda = (first, block, *rest)
        return chartkeys.arc_key(plan(session.with_changes(agenda=agenda), catalogue), audience)

    assert key(second) == chartkeys.arc_key(plan(session, catalogue))
    assert key(second, "participants") != key(second)
    assert key(replace(second, minutes=second.minutes + 5)) != key(second)  # the arc moves
    assert key(replace(second, notes="Bring the post-its")) == key(second)  # no part of the picture
