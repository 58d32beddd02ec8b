"""Widgets for the teaching notebooks: quizzes with explained feedback, the leadership self-assessment,
interactive charts of the models (iceberg, Tuckman, Kaner's diamond, Leary's Rose, De Caluwé's colours),
and the case studio in which a design is reviewed by the playbook's own checks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import ipywidgets as widgets

from ..agenda import plan
from ..catalogue import Catalogue, load_catalogue
from ..charts import rose_chart, scores_chart, to_svg
from ..diagnosis import COLOURS, DimensionScore, StageEstimate, default_bank, diagnose
from ..flavours.html import inline_svg
from ..flavours.widget import heading, line, show, style
from ..i18n import default_language, t
from ..paths import workspace
from ..session import Block, Brief, Group, Session
from ..structure import arc, iceberg, stage_chart
from ..structure.nodes import Column, Facts, Row, Section, Span, Table, items, muted, para, section, strong
from ..teaching import assess, cases, check, exercise, leadership, review, rose, rose_source, start_case
from .agenda import AgendaBuilder, findings_html, timeline_html
from .binding import SessionBinding
from .fixed import fixed_html, fixed_look
from .static import Snapshot


class Quiz(Snapshot, widgets.VBox):
    """One exercise: choose an answer per item, then check; every answer gets feedback that explains."""

    def __init__(self, ident: str, lang: str | None = None) -> None:
        self.exercise = exercise(ident)
        lang = self.lang = lang or default_language()
        options = [("—", None), *((label(lang), oid) for oid, label in self.exercise.options)]
        self.choices = {
            item.id: fixed_look(widgets.Dropdown, options=options, layout={"width": "16em"})
            for item in self.exercise.items
        }
        self.feedback = {item.id: fixed_html() for item in self.exercise.items}
        self.button = fixed_look(
            widgets.Button,
            description=t("teach.check", lang),
            icon="check",
            button_style="primary",
            layout={"width": "auto"},
        )
        self.score = fixed_html()
        self.button.on_click(lambda _: self.check())
        rows = []
        for n, item in enumerate(self.exercise.items, 1):
            axis = muted(f" ({item.axis(lang)})") if item.axis else ""
            rows.append(
                fixed_look(
                    widgets.VBox,
                    [
                        fixed_html(line(f"{n}. {item.text(lang)}", axis)),
                        fixed_look(widgets.HBox, [self.choices[item.id], self.feedback[item.id]]),
                    ],
                )
            )
        head = fixed_html(show(Section(self.exercise.title(lang), (para(self.exercise.prompt(lang)),))))
        super().__init__([style(), head, *rows, self.button, self.score])

    def check(self) -> int:
        answers = {i: w.value for i, w in self.choices.items()}
        results = check(self.exercise, answers, self.lang)
        for r in results:
            level = "ok" if r.correct else "info" if r.correct is None else "error"
            self.feedback[r.item].value = show(para(Span(r.message, f"verdict {level}")))
        right = sum(1 for r in results if r.correct)
        self.score.value = line(strong(t("teach.score", self.lang, right=right, total=len(results))))
        return right

    def snapshot_html(self) -> str:
        lang = self.lang
        labels = " · ".join(label(lang) for _, label in self.exercise.options)
        body = (
            para(self.exercise.prompt(lang)),
            para(Span(labels, "em")),
            items((item.text(lang) for item in self.exercise.items), ordered=True),
        )
        return show(Section(self.exercise.title(lang), body))


class SelfAssessment(Snapshot, widgets.VBox):
    """Rate the statements; the chart shows which of the three styles you lean on now."""

    def __init__(self, lang: str | None = None) -> None:
        lang = self.lang = lang or default_language()
        self.styles, statements = leadership()
        self.sliders = {
            s.id: fixed_look(
                widgets.IntSlider, value=3, min=1, max=5, description="", layout={"width": "16em"}
            )
            for s in statements
        }
        self.chart = fixed_html()
        self.verdict = fixed_html()
        rows = [
            fixed_look(
                widgets.HBox,
                [
                    fixed_html(line(s.text(lang)), layout={"width": "36em"}),
                    self.sliders[s.id],
                ],
            )
            for s in statements
        ]
        for slider in self.sliders.values():
            slider.observe(lambda _: self.refresh(), names="value")
        columns = (
            Column(t("teach.style", lang)),
            *(Column(t(k, lang)) for k in ("teach.what", "teach.in_a_meeting", "teach.fits_when")),
        )
        rows_ = tuple(
            Row((strong(s.name(lang)), s.what(lang), s.in_a_meeting(lang), s.fits_when(lang)))
            for s in self.styles
        )
        sources = "; ".join(f"{s.name(lang)}: {s.source}" for s in self.styles if s.source)
        cited = para(Span(f"{t('teach.sources', lang)}: {sources}", "muted")) if sources else None
        self.table = fixed_html(show(section(t("teach.styles_heading", lang), Table(columns, rows_), cited)))
        super().__init__(
            [
                style(),
                self.table,
                fixed_html(line(Span(t("teach.rate", lang), "em"))),
                *rows,
                self.verdict,
                self.chart,
            ]
        )
        self.refresh()

    def refresh(self) -> None:
        scores = assess({i: s.value for i, s in self.sliders.items()})
        names = {s.id: s.name(self.lang) for s in self.styles}
        title = t("teach.styles_heading", self.lang)
        alt = f"{title}: " + "; ".join(f"{names[k]} {v}" for k, v in scores.items())
        self.chart.value = to_svg(scores_chart([(names[k], v) for k, v in scores.items()], title), alt=alt)
        best = max(scores, key=lambda k: scores[k])
        self.verdict.value = line(strong(t("teach.strongest", self.lang, style=names[best])))

    def snapshot_html(self) -> str:
        return self.table.value


class _PickAndShow(Snapshot, widgets.VBox):
    """A choice, a text about it and a chart of it, redrawn when the choice changes."""

    def __init__(self, options: list[tuple[str, str]], label: str) -> None:
        self.pick = fixed_look(
            widgets.Dropdown, options=options, description=label, style={"description_width": "initial"}
        )
        self.chart = fixed_html()
        self.text = fixed_html()
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
        title = t("teach.rose_title", lang)
        says = t(
            "teach.rose_invites", lang, position=chosen.name(lang).lower(), invited=invited.name(lang).lower()
        )
        self.chart.value = to_svg(
            rose_chart(data, chosen.id, invited.id, axes, title), alt=f"{title}: {says}"
        )
        source = rose_source()
        cited = line(Span(f"{t('teach.sources', lang)}: {source}", "muted")) if source else ""
        self.text.value = (
            line(chosen.behaviour(lang)) + line(strong(says), " ", invited.behaviour(lang)) + cited
        )


class ColourListener(Snapshot, widgets.VBox):
    """Type a client's wish; hear which of De Caluwé's colours of change it speaks."""

    def __init__(self, lang: str | None = None, wish: str = "") -> None:
        lang = self.lang = lang or default_language()
        self.wish = fixed_look(
            widgets.Textarea,
            value=wish,
            placeholder=t("teach.colour_wish", lang),
            layout={"width": "46em", "height": "5em"},
            continuous_update=False,
        )
        self.chart = fixed_html()
        self.reasons = fixed_html()
        self.wish.observe(lambda _: self.refresh(), names="value")
        super().__init__([self.wish, self.reasons, self.chart])
        self.refresh()

    def refresh(self) -> None:
        lang = self.lang
        reading = diagnose(Session(title="wish", language=lang, brief=Brief(wish=self.wish.value))).colour
        bank = {c.id: c.name(lang) for c in default_bank().colours}
        title = t("diagnosis.heading_colour", lang)
        values = [(bank[c], reading.scores.get(c, 0)) for c in COLOURS]
        alt = f"{title}: " + "; ".join(f"{name} {v}" for name, v in values)
        self.chart.value = to_svg(scores_chart(values, title), alt=alt)
        if reading.dominant is None:
            self.reasons.value = line(t("teach.colour_none", lang))
        else:
            self.reasons.value = show(para(strong(reading.label)), items(reading.reasons))

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
            d.id: fixed_look(
                widgets.IntSlider,
                value=50,
                min=0,
                max=100,
                step=5,
                description=d.name(lang),
                style={"description_width": "16em"},
                layout={"width": "40em"},
            )
            for d in default_bank().dimensions
        }
        self.chart = fixed_html()
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
        self.chart.value = inline_svg(iceberg(self.profile()))

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
        self.chart.value = inline_svg(stage_chart(replace(self.base, stage=estimate)))
        self.text.value = line(stage.description(self.lang))


class DiamondPlay(Snapshot, widgets.VBox):
    """A short session for 20 people: change the time in the groan zone and watch the diamond and the checks."""

    def __init__(self, catalogue: Catalogue | None = None, lang: str | None = None) -> None:
        lang = self.lang = lang or default_language()
        self.catalogue = catalogue if catalogue is not None else load_catalogue()
        self.minutes = fixed_look(
            widgets.IntSlider,
            value=20,
            min=0,
            max=40,
            step=5,
            description=t("teach.groan_minutes", lang),
            style={"description_width": "initial"},
        )
        self.chart = fixed_html()
        self.findings = fixed_html()
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
        self.chart.value = inline_svg(arc(p))

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
        facts = Facts(
            (
                (t("session.wish", lang), s.brief.wish),
                (t("session.visible_result", lang), s.brief.visible_result),
                (t("session.context", lang), s.brief.context),
                (
                    t("session.group", lang),
                    f"{t('session.size', lang, size=s.group.size)}, {t(f'settings.{s.group.setting}', lang)}"
                    f" · {s.budget_minutes} {t('units.minutes', lang)}",
                ),
            )
        )
        self.brief = fixed_html(show(Section(s.title, (para(Span(self.case.summary(lang), "em")), facts))))
        self.builder = AgendaBuilder(self.binding, self.catalogue)
        self.review_button = fixed_look(
            widgets.Button,
            description=t("teach.review", lang),
            icon="search",
            button_style="primary",
            layout={"width": "auto"},
        )
        self.reveal_button = fixed_look(
            widgets.Button, description=t("teach.reveal", lang), icon="eye", layout={"width": "auto"}
        )
        self.review_view = fixed_html()
        self.reference = fixed_html()
        self.review_button.on_click(lambda _: self.review())
        self.reveal_button.on_click(lambda _: self.reveal())
        super().__init__(
            [
                style(),
                self.brief,
                self.builder,
                fixed_look(widgets.HBox, [self.review_button, self.reveal_button]),
                self.review_view,
                self.reference,
            ]
        )

    def review(self):  # noqa: ANN201 - a teaching.Review
        result = review(self.binding.session, self.catalogue)
        key = "teach.passes" if result.passes else "teach.fails"
        verdict = t(key, self.lang, errors=len(result.errors), warnings=len(result.warnings))
        profile = self.binding.profile()
        undercurrent = f"{t('diagnosis.heading_undercurrent', self.lang)}: {profile.undercurrent}/100"
        self.review_view.value = (
            line(strong(verdict))
            + findings_html(self.builder.plan)
            + line(f"{undercurrent} · {profile.stage.label}")
        )
        return result

    def reveal(self) -> None:
        lang = self.lang
        p = plan(self.case.session(), self.catalogue)
        self.reference.value = (
            heading(t("teach.reference", lang), 4).value
            + timeline_html(p)
            + show(Section(t("teach.reasoning", lang), (para(self.case.reasoning(lang)),)), level=4)
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
        self.view = fixed_html(
            heading(self.session.title).value + timeline_html(p) + findings_html(p) + inline_svg(arc(p))
        )
        self.button = fixed_look(
            widgets.Button,
            description=t("teach.export_guide", lang),
            icon="file-export",
            button_style="primary",
            layout={"width": "auto"},
        )
        self.result = fixed_html()
        self.button.on_click(lambda _: self.export())
        self.written: list[Path] = []
        super().__init__([style(), self.view, self.button, self.result])

    def export(self) -> list[Path]:
        """Write the trainer's script (facilitator handout) and the participant handout."""
        from ..handout import write_handouts

        self.written = []
        for audience in ("facilitator", "participants"):
            self.written += write_handouts([self.path], self.catalogue, audience, None, self.folder)
        self.result.value = show(items(p.name for p in self.written))
        return self.written

    def snapshot_html(self) -> str:
        return self.view.value + self.result.value
