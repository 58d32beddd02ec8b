"""What each chart shows, as plain data: the key its picture is remembered by.

A key names everything a chart draws and nothing else, so equal keys mean equal pictures. The views'
memo (``charts.MEMO``) and the exported pages' disk cache (:mod:`playbook.chartcache`) both remember a
picture by it. Core code: reading a key needs neither matplotlib nor the whole object the chart is drawn
from (an agenda of thousands of blocks carries every work form's text, which no chart shows).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .structure.method import MARKED_FINDINGS

if TYPE_CHECKING:
    from .agenda import Plan
    from .diagnosis import Profile, StageEstimate


def arc_key(plan: Plan, audience: str = "facilitator") -> tuple[object, ...]:
    """Everything the arc chart shows of ``plan``: the views redraw it only when this changes."""
    blocks = tuple((b.title, b.role, b.start, b.minutes) for b in plan.blocks)
    marks = tuple((f.minute, f.level) for f in plan.findings if f.minute is not None)[:MARKED_FINDINGS]
    return ("arc", audience, plan.language, plan.start, plan.arc, blocks, marks, plan.budget_minutes)


def iceberg_key(profile: Profile) -> tuple[object, ...]:
    """Everything the iceberg chart shows: two profiles with the same key draw the same picture."""
    bars = tuple((d.layer, d.name, d.concern) for d in profile.dimensions)
    return ("iceberg", profile.language, profile.undercurrent, bars)


def stage_weights(stage: StageEstimate) -> dict[str, float]:
    """How much evidence each stage has, relative to the strongest, in tenths: the size of its dot. A
    finer step is not visible on the chart, and would only draw it again for every answer."""
    top = max(stage.points.values(), default=0) or 1
    return {ident: round(max(points, 0) / top, 1) for ident, points in stage.points.items()}


def stage_key(profile: Profile) -> tuple[object, ...]:
    """Everything the stage chart shows: an answer that moves no dot draws nothing again."""
    st = profile.stage
    weights = tuple(sorted(stage_weights(st).items()))
    return ("stage", profile.language, st.curve, st.name, st.label, st.confidence, st.stages, weights)


def stance_key(profile: Profile) -> tuple[object, ...]:
    """Everything the stance chart shows."""
    return ("stance", profile.language, profile.stance.contrasts)
