"""Widgets for the teaching notebooks: quizzes with explained feedback, the leadership self-assessment,
interactive charts of the models (iceberg, Tuckman, Kaner's diamond, Leary's Rose, De Caluwé's colours),
and the case studio in which a design is reviewed by the playbook's own checks."""

from __future__ import annotations

import html
from dataclasses import replace
from pathlib import Path

import ipywidgets as widgets

from ..agenda import plan
from ..catalogue import Catalogue, load_catalogue
from ..charts import arc_chart, iceberg_chart, rose_chart, scores_chart, stage_chart, to_svg
from ..diagnosis import COLOURS, DimensionScore, StageEstimate, default_bank, diagnose
from ..i18n import default_language, t
from ..paths import workspace
from ..session import Block, Brief, Group, Session
from ..teaching import assess, cases, check, exercise, leadership, review, rose, rose_source, start_case
from .agenda import AgendaBuilder, findings_html, timeline_html
from .binding import SessionBinding
from .static import Snapshot

e = html.escape


class Quiz(Snapshot, widgets.VBox):
    """One exercise: choose an answer per item, then check; every answer gets feedback that explains."""

    def __init__(self, ident: str, lang: str | None = None) -> None:
        self.exercise = exercise(ident)
        lang = self.lang = lang or default_language()
        options = [("—", None), *((label(lang), oid) for oid, label in self.exercise.options)]
        self.choices = {
            item.id: widgets.Dropdown(options=options, layout=widgets.Layout(width="16em"))
            for item in self.exercise.items
        }
        self.feedback = {item.id: widgets.HTML() for item in self.exercise.items}
        self.button = widgets.Button(
            description=t("teach.check", lang),
            icon="check",
            button_style="primary",
            layout=widgets.Layout(width="auto"),
        )
        self.score = widgets.HTML()
        self.button.on_click(lambda _: self.check())
        rows = []
        for n, item in enumerate(self.exercise.items, 1):
            axis = f" <small>({e(item.axis(lang))})</small>" if item.axis else ""
            rows.append(
                widgets.VBox(
                    [
                        widgets.HTML(f"<p>{n}. {e(item.text(lang))}{axis}</p>"),
                        widgets.HBox([self.choices[item.id], self.feedback[item.id]]),
                    ]
                )
            )
        head = widgets.HTML(f"<h3>{e(self.exercise.title(lang))}</h3><p>{e(self.exercise.prompt(lang))}</p>")
        super().__init__([head, *rows, self.button, self.score])

    def check(self) -> int:
        answers = {i: w.value for i, w in self.choices.items()}
        results = check(self.exercise, answers, self.lang)
        for r in results:
            colour = "#1b5e20" if r.correct else "#555" if r.correct is None else "#b00020"
            self.feedback[
                r.item
            ].value = f"<span style='color:{colour};padding-left:0.6em'>{e(r.message)}</span>"
        right = sum(1 for r in results if r.correct)
        self.score.value = f"<b>{e(t('teach.score', self.lang, right=right, total=len(results)))}</b>"
        return right

    def snapshot_html(self) -> str:
        lang = self.lang
        labels = " · ".join(label(lang) for _, label in self.exercise.options)
        items = "".join(f"<li>{e(item.text(lang))}</li>" for item in self.exercise.items)
        return f"<h3>{e(self.exercise.title(lang))}</h3><p>{e(self.exercise.prompt(lang))}</p><p><i>{e(labels)}</i></p><ol>{items}</ol>"


class SelfAssessment(Snapshot, widgets.VBox):
    """Rate the statements; the chart shows which of the three styles you lean on now."""

    def __init__(self, lang: str | None = None) -> None:
        lang = self.lang = lang or default_language()
        self.styles, statements = leadership()
        self.sliders = {
            s.id: widgets.IntSlider(
                value=3, min=1, max=5, description="", layout=widgets.Layout(width="16em")
            )
            for s in statements
        }
        self.chart = widgets.HTML()
        self.verdict = widgets.HTML()
        rows = [
            widgets.HBox(
                [
                    widgets.HTML(
                        f"<span style='display:inline-block;width:34em'>{e(s.text(lang))}</span>",
                        layout=widgets.Layout(width="36em"),
                    ),
                    self.sliders[s.id],
                ]
            )
            for s in statements
        ]
        for slider in self.sliders.values():
            slider.observe(lambda _: self.refresh(), names="value")
        table = "".join(
            f"<tr><th scope='row'>{e(s.name(lang))}</th><td>{e(s.what(lang))}</td><td>{e(s.in_a_meeting(lang))}</td><td>{e(s.fits_when(lang))}</td></tr>"
            for s in self.styles
        )
        heads = "".join(
            f"<th scope='col'>{e(t(k, lang))}</th>"
            for k in ("teach.what", "teach.in_a_meeting", "teach.fits_when")
        )
        sources = "; ".join(f"{s.name(lang)}: {s.source}" for s in self.styles if s.source)
        self.table = widgets.HTML(
            f"<h3>{e(t('teach.styles_heading', lang))}</h3><table><tr><th></th>{heads}</tr>{table}</table>"
            + (f"<p><small>{e(t('teach.sources', lang))}: {e(sources)}</small></p>" if sources else "")
        )
        super().__init__(
            [
                self.table,
                widgets.HTML(f"<p><i>{e(t('teach.rate', lang))}</i></p>"),
                *rows,
                self.verdict,
                self.chart,
            ]
        )
        self.refresh()

    def refresh(self) -> None:
        scores = assess({i: s.value for i, s in self.sliders.items()})
        names = {s.id: s.name(self.lang) for s in self.styles}
        self.chart.value = to_svg(
            scores_chart([(names[k], v) for k, v in scores.items()], t("teach.styles_heading", self.lang))
        )
        best = max(scores, key=lambda k: scores[k])
        self.verdict.value = f"<p><b>{e(t('teach.strongest', self.lang, style=names[best]))}</b></p>"

    def snapshot_html(self) -> str:
        return self.table.value


class _PickAndShow(Snapshot, widgets.VBox):
    """A choice, a text about it and a chart of it, redrawn when the choice changes."""

    def __init__(self, options: list[tuple[str, str]], label: str) -> None:
        self.pick = widgets.Dropdown(
            options=options, description=label, style={"description_width": "initial"}
        )
        self.chart = widgets.HTML()
        self.text = widgets.HTML()
        self.pick.observe(lambda _: self.refresh(), names="value")
        super().__init__([self.pick, self.text, self.chart])
        self.refresh()

    def refresh(self) -> None:
        raise NotImplementedError

    def snapshot_html(self) -> str:
        return self.text.value + self.chart.value


class RoseExplorer(_PickAndShow):
    """Pick a behaviour on Leary's Rose and see which behaviour it tends to invite."""

    def __init__(self, lang: str | None = None) -> None:
        lang = self.lang = lang or default_language()
        self.positions = {p.id: p for p in rose()}
        super().__init__([(p.name(lang), p.id) for p in self.positions.values()], t("teach.rose_pick", lang))

    def refresh(self) -> None:
        lang = self.lang
        chosen = self.positions[self.pick.value]
        invited = self.positions[chosen.invites]
        axes = {k: t(f"teach.rose_{k}", lang) for k in ("above", "below", "together", "against")}
        data = [(p.id, p.angle, p.name(lang)) for p in self.positions.values()]
        self.chart.value = to_svg(rose_chart(data, chosen.id, invited.id, axes, t("teach.rose_title", lang)))
        says = t(
            "teach.rose_invites", lang, position=chosen.name(lang).lower(), invited=invited.name(lang).lower()
        )
        source = rose_source()
        self.text.value = (
            f"<p>{e(chosen.behaviour(lang))}</p><p><b>{e(says)}</b> {e(invited.behaviour(lang))}</p>"
            + (f"<p><small>{e(t('teach.sources', lang))}: {e(source)}</small></p>" if source else "")
        )


class ColourListener(Snapshot, widgets.VBox):
    """Type a client's wish; hear which of De Caluwé's colours of change it speaks."""

    def __init__(self, lang: str | None = None, wish: str = "") -> None:
        lang = self.lang = lang or default_language()
        self.wish = widgets.Textarea(
            value=wish,
            placeholder=t("teach.colour_wish", lang),
            layout=widgets.Layout(width="46em", height="5em"),
            continuous_update=False,
        )
        self.chart = widgets.HTML()
        self.reasons = widgets.HTML()
        self.wish.observe(lambda _: self.refresh(), names="value")
        super().__init__([self.wish, self.reasons, self.chart])
        self.refresh()

    def refresh(self) -> None:
        lang = self.lang
        reading = diagnose(Session(title="wish", language=lang, brief=Brief(wish=self.wish.value))).colour
        bank = {c.id: c.name(lang) for c in default_bank().colours}
        self.chart.value = to_svg(
            scores_chart(
                [(bank[c], reading.scores.get(c, 0)) for c in COLOURS], t("diagnosis.heading_colour", lang)
            )
        )
        if reading.dominant is None:
            self.reasons.value = f"<p>{e(t('teach.colour_none', lang))}</p>"
        else:
            self.reasons.value = (
                f"<p><b>{e(reading.label)}</b></p><ul>"
                + "".join(f"<li>{e(r)}</li>" for r in reading.reasons)
                + "</ul>"
            )

    @property
    def dominant(self) -> str | None:
        return diagnose(
            Session(title="wish", language=self.lang, brief=Brief(wish=self.wish.value))
        ).colour.dominant

    def snapshot_html(self) -> str:
        return self.reasons.value + self.chart.value


class IcebergPlay(Snapshot, widgets.VBox):
    """Move the scores of the eleven dimensions and watch the iceberg and the undercurrent respond."""

    def __init__(self, lang: str | None = None) -> None:
        lang = self.lang = lang or default_language()
        self.base = diagnose(Session(title="iceberg", language=lang))
        self.sliders = {
            d.id: widgets.IntSlider(
                value=50,
                min=0,
                max=100,
                step=5,
                description=d.name(lang),
                style={"description_width": "16em"},
                layout=widgets.Layout(width="40em"),
            )
            for d in default_bank().dimensions
        }
        self.chart = widgets.HTML()
        for s in self.sliders.values():
            s.observe(lambda _: self.refresh(), names="value")
        super().__init__([*self.sliders.values(), self.chart])
        self.refresh()

    def profile(self):  # noqa: ANN201 - a Profile
        dims = []
        for d in default_bank().dimensions:
            score = self.sliders[d.id].value
            concern = 100 - score if d.healthy == "high" else score
            dims.append(DimensionScore(d.id, d.layer, d.healthy, d.name(self.lang), score, concern, ()))
        below = [x.concern for x in dims if x.layer == "below"]
        return replace(self.base, dimensions=tuple(dims), undercurrent=round(sum(below) / len(below)))  # type: ignore[arg-type]

    def refresh(self) -> None:
        self.chart.value = to_svg(iceberg_chart(self.profile()))

    def snapshot_html(self) -> str:
        return self.chart.value


class StagePlay(_PickAndShow):
    """Pick a stage of Tuckman's model and see where it sits on the curve of a group's effectiveness."""

    def __init__(self, lang: str | None = None) -> None:
        lang = self.lang = lang or default_language()
        self.base = diagnose(Session(title="stage", language=lang))
        self.curve = self.base.stage.curve
        super().__init__([(label, ident) for ident, label, _ in self.curve], t("teach.stage_pick", lang))

    def refresh(self) -> None:
        stage = next(s for s in default_bank().stages if s.id == self.pick.value)
        estimate = StageEstimate(
            stage.id, stage.name(self.lang), 100, (stage.description(self.lang),), {stage.id: 1}, self.curve
        )
        self.chart.value = to_svg(stage_chart(replace(self.base, stage=estimate)))
        self.text.value = f"<p>{e(stage.description(self.lang))}</p>"


class DiamondPlay(Snapshot, widgets.VBox):
    """A short session for 20 people: change the time in the groan zone and watch the diamond and the checks."""

    def __init__(self, catalogue: Catalogue | None = None, lang: str | None = None) -> None:
        lang = self.lang = lang or default_language()
        self.catalogue = catalogue if catalogue is not None else load_catalogue()
        self.minutes = widgets.IntSlider(
            value=20,
            min=0,
            max=40,
            step=5,
            description=t("teach.groan_minutes", lang),
            style={"description_width": "initial"},
        )
        self.chart = widgets.HTML()
        self.findings = widgets.HTML()
        self.minutes.observe(lambda _: self.refresh(), names="value")
        super().__init__([self.minutes, self.findings, self.chart])
        self.refresh()

    def session(self) -> Session:
        agenda = [Block(10, intervention="check-in-round"), Block(20, intervention="1-2-4-all")]
        if self.minutes.value:
            agenda.append(Block(self.minutes.value, intervention="what-so-what-now-what"))
        agenda += [Block(15, intervention="dot-voting"), Block(10, intervention="check-out-round")]
        total = sum(b.minutes for b in agenda)
        brief = Brief(wish="-", visible_result="-")
        return Session(
            title="Kaner",
            language=self.lang,
            brief=brief,
            group=Group(20),
            budget_minutes=total,
            agenda=tuple(agenda),
        )

    def refresh(self) -> None:
        p = plan(self.session(), self.catalogue)
        self.plan = p
        self.findings.value = findings_html(p)
        self.chart.value = to_svg(arc_chart(p))

    def snapshot_html(self) -> str:
        return self.findings.value + self.chart.value


class CaseStudio(Snapshot, widgets.VBox):
    """Design a session for a case, let the playbook review it, then compare with the reference design."""

    def __init__(
        self, ident: str, folder: str | Path | None = None, catalogue: Catalogue | None = None
    ) -> None:
        self.case = cases()[ident]
        self.catalogue = catalogue if catalogue is not None else load_catalogue()
        handle = start_case(ident, Path(folder) if folder else workspace() / "cases")
        self.binding = SessionBinding(handle)
        lang = self.lang = handle.session.language
        s = handle.session
        self.brief = widgets.HTML(
            f"<h3>{e(s.title)}</h3><p><i>{e(self.case.summary(lang))}</i></p>"
            f"<p><b>{e(t('session.wish', lang))}:</b> {e(s.brief.wish)}</p>"
            f"<p><b>{e(t('session.visible_result', lang))}:</b> {e(s.brief.visible_result)}</p>"
            f"<p><b>{e(t('session.context', lang))}:</b> {e(s.brief.context)}</p>"
            f"<p>{e(t('session.size', lang, size=s.group.size))}, {e(t(f'settings.{s.group.setting}', lang))} · {s.budget_minutes} {e(t('units.minutes', lang))}</p>"
        )
        self.builder = AgendaBuilder(self.binding, self.catalogue)
        self.review_button = widgets.Button(
            description=t("teach.review", lang),
            icon="search",
            button_style="primary",
            layout=widgets.Layout(width="auto"),
        )
        self.reveal_button = widgets.Button(
            description=t("teach.reveal", lang), icon="eye", layout=widgets.Layout(width="auto")
        )
        self.review_view = widgets.HTML()
        self.reference = widgets.HTML()
        self.review_button.on_click(lambda _: self.review())
        self.reveal_button.on_click(lambda _: self.reveal())
        super().__init__(
            [
                self.brief,
                self.builder,
                widgets.HBox([self.review_button, self.reveal_button]),
                self.review_view,
                self.reference,
            ]
        )

    def review(self):  # noqa: ANN201 - a teaching.Review
        result = review(self.binding.session, self.catalogue)
        key = "teach.passes" if result.passes else "teach.fails"
        verdict = t(key, self.lang, errors=len(result.errors), warnings=len(result.warnings))
        profile = self.binding.profile()
        self.review_view.value = (
            f"<p><b>{e(verdict)}</b></p>{findings_html(self.builder.plan)}"
            f"<p>{e(t('diagnosis.heading_undercurrent', self.lang))}: {profile.undercurrent}/100 · {e(profile.stage.label)}</p>"
        )
        return result

    def reveal(self) -> None:
        lang = self.lang
        p = plan(self.case.session(), self.catalogue)
        self.reference.value = (
            f"<h4>{e(t('teach.reference', lang))}</h4>{timeline_html(p)}"
            f"<h4>{e(t('teach.reasoning', lang))}</h4><p>{e(self.case.reasoning(lang))}</p>"
        )

    def snapshot_html(self) -> str:
        return self.brief.value


class TrainerGuide(Snapshot, widgets.VBox):
    """The half-day workshop, planned with the playbook: its timeline, checks and arc, and its exports."""

    def __init__(self, folder: str | Path | None = None, catalogue: Catalogue | None = None) -> None:
        from ..session import SessionFile
        from ..teaching import teaching_dir

        self.catalogue = catalogue if catalogue is not None else load_catalogue()
        self.folder = Path(folder) if folder else workspace() / "handouts"
        self.path = teaching_dir() / "workshop.session.yaml"
        self.session = SessionFile.open(self.path).session
        lang = self.lang = self.session.language
        p = plan(self.session, self.catalogue)
        self.view = widgets.HTML(
            f"<h3>{e(self.session.title)}</h3>{timeline_html(p)}{findings_html(p)}{to_svg(arc_chart(p))}"
        )
        self.button = widgets.Button(
            description=t("teach.export_guide", lang),
            icon="file-export",
            button_style="primary",
            layout=widgets.Layout(width="auto"),
        )
        self.result = widgets.HTML()
        self.button.on_click(lambda _: self.export())
        self.written: list[Path] = []
        super().__init__([self.view, self.button, self.result])

    def export(self) -> list[Path]:
        """Write the trainer's script (facilitator handout) and the participant handout."""
        from ..handout import write_handouts

        self.written = []
        for audience in ("facilitator", "participants"):
            self.written += write_handouts([self.path], self.catalogue, audience, None, self.folder)
        self.result.value = "<ul>" + "".join(f"<li>{e(str(p))}</li>" for p in self.written) + "</ul>"
        return self.written

    def snapshot_html(self) -> str:
        return self.view.value + self.result.value
