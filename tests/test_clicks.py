"""What one click redoes: only the work its change affects (speed itself is measured by ``make bench``).

Each test drives a view as a notebook does (setting widget values, clicking buttons) and checks, with a
spy on the expensive step, that work which did not change is not redone, and that what is shown is
still exactly what a fresh computation gives.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest

from playbook.recommend import plan_b
from playbook.session import Group
from playbook.ui import Picker, SessionBinding
from playbook.ui import choose as choose_view


@pytest.fixture
def binding(example: Path) -> SessionBinding:
    return SessionBinding.open(example)


def _spy(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[Any]:
    calls: list[Any] = []
    real = getattr(module, name)

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[0] if args else None)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return calls


def _plan_b_shown(picker: Picker) -> dict[str, str]:
    """Each visible card's plan B as its text says it."""
    shown = {}
    for slot in picker.slots:
        if slot.ident:
            text = html.unescape(re.sub(r"<[^>]+>", "", slot.html.value))
            shown[slot.ident] = text.rsplit(":", 1)[-1].strip()
    return shown


def test_a_filter_click_ranks_again_but_keeps_each_card_s_plan_b(
    binding: SessionBinding, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _spy(monkeypatch, choose_view, "plan_b")
    picker = Picker(binding)
    everything = [slot.ident for slot in picker.slots if slot.ident]
    assert sorted(calls) == sorted(everything), "one plan B per card shown"
    calls.clear()
    picker.role.value = "diverge"
    diverging = [slot.ident for slot in picker.slots if slot.ident]
    assert diverging and diverging != everything
    assert sorted(calls) == sorted(set(diverging) - set(everything)), "plan B of a card already seen again"
    calls.clear()
    picker.role.value = None
    assert calls == [] and [slot.ident for slot in picker.slots if slot.ident] == everything
    session, catalogue, profile = binding.session, picker.catalogue, binding.profile()
    for ident, text in _plan_b_shown(picker).items():
        fresh = plan_b(ident, session, catalogue, profile, limit=1)
        assert text.endswith(fresh[0].intervention.name(picker.lang)) if fresh else text


def test_a_change_to_the_session_works_out_plan_b_again(
    binding: SessionBinding, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _spy(monkeypatch, choose_view, "plan_b")
    picker = Picker(binding)
    calls.clear()
    binding.update(group=Group(4, binding.session.group.setting))
    shown = [slot.ident for slot in picker.slots if slot.ident]
    assert sorted(calls) == sorted(shown), "a new group size can change every plan B"
    for ident, text in _plan_b_shown(picker).items():
        fresh = plan_b(ident, binding.session, picker.catalogue, binding.profile(), limit=1)
        assert text.endswith(fresh[0].intervention.name(picker.lang)) if fresh else text
