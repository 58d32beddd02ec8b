"""The learned reader: its committed weights are what the corpus trains, and the diagnosis lets it overrule
the rules' stance only where it is sure, the brief is long enough and the rules did not rule it out."""

from __future__ import annotations

import json
import math
import sys
from array import array
from pathlib import Path

import pytest

from playbook import diagnosis as dg
from playbook import learned
from playbook.i18n import t
from playbook.session import Brief, Diagnosis, FacilitatorReadings, Session

from .corpus import briefs

ROOT = Path(__file__).resolve().parent.parent
UNSEEN_FLOOR = 0.85
"""What the stance must keep on the unseen briefs (the goal is 90 %, the reading there was 90 %)."""

FILLER = (
    "We are a regional housing association with about forty people over three offices, and the team "
    "meets once a quarter on a Thursday afternoon in the meeting room upstairs."
)
FILLER_NL = (
    "We zijn een woningcorporatie met een veertigtal mensen over drie kantoren, en het team komt eens "
    "per kwartaal bij elkaar op een donderdagmiddag in de vergaderzaal boven."
)
"""Words no cue of the rules hears, so that a brief passes the learned reader's length without them."""


def write_reader(
    folder: Path,
    weights: dict[str, tuple[float, float, float]],
    briefs: int = 7,
    colour: dict[str, tuple[float, ...]] | None = None,
    stack: dict[str, object] | None = None,
) -> Path:
    """A reader file of the shipped shape whose only features are ``weights`` (stance classes), and
    ``colour`` (colour classes, each feature's weights) with a colour ``stack`` where given."""
    head: dict[str, object] = {
        "briefs": briefs,
        "labels": {
            "stance": {
                "classes": ["managing", "facilitating", "unclear"],
                "bias": [0.0, 0.0, 0.0],
                "offset": 0,
            }
        },
        "features": list(weights),
    }
    rows = [list(w) for w in weights.values()]
    if colour is not None:
        head["labels"]["colour"] = {"classes": list(COLOUR_CLASSES), "bias": [0.0] * 6, "offset": 3}
        head["features"] = sorted({*weights, *colour})
        zero3, zero6 = (0.0,) * 3, (0.0,) * 6
        rows = [[*weights.get(f, zero3), *colour.get(f, zero6)] for f in head["features"]]
        if stack is not None:
            head["stacks"] = {"colour": stack}
    path = folder / "reader.json"
    path.write_text(json.dumps(head), "utf-8")
    flat = array("f", [v for w in rows for v in w])
    if sys.byteorder != "little":
        flat.byteswap()
    path.with_suffix(learned.WEIGHTS).write_bytes(flat.tobytes())
    return path


COLOUR_CLASSES = (*dg.COLOURS, "unclear")


def following_the_words(mix: float = 0.5, trust: float = 8.0, pair: float | None = None) -> dict[str, object]:
    """A colour stack that reads what the colour word model reads and nothing of the rules; with ``pair``
    (a pair model's bias, nothing else) a mix is decided by that alone."""
    stack: dict[str, object] = {
        "classes": list(COLOUR_CLASSES),
        "weights": {f"words:{c}": [trust if k == c else 0.0 for k in COLOUR_CLASSES] for c in COLOUR_CLASSES},
        "bias": [0.0] * 6,
        "mix": mix,
    }
    if pair is not None:
        stack["pair"] = {"weights": {}, "bias": pair}
    return stack


@pytest.fixture
def reader(tmp_path, monkeypatch):
    """Install a reader in which the word "zebra" (a stem no cue has) pulls towards the given stance."""

    def install(towards: str, strength: float = 6.0, briefs: int = 7) -> learned.Reader:
        pull = tuple(
            strength if c == towards else -strength / 2 for c in ("managing", "facilitating", "unclear")
        )
        r = learned.read_reader(write_reader(tmp_path, {"u:zebra": pull}, briefs))
        monkeypatch.setattr(learned, "load_reader", lambda: r)
        return r

    return install


def read(wish: str, lang: str = "en", context: str = "", verdict: str | None = None) -> dg.Profile:
    readings = FacilitatorReadings(stance=verdict) if verdict else FacilitatorReadings()
    session = Session(
        title="t",
        language=lang,
        brief=Brief(wish=wish, context=context),
        diagnosis=Diagnosis(readings=readings),
    )
    return dg.diagnose(session)


def said(profile: dg.Profile, key: str) -> bool:
    """Whether a reason of the stance starts as the message ``key`` does (before its first field)."""
    start = t(key, profile.language).split("{")[0]
    return any(r.startswith(start) for r in profile.stance.reasons)


# ------------------------------------------------------------------------------------ the committed file


@pytest.mark.slow
def test_the_committed_reader_is_what_the_development_briefs_train() -> None:
    """Change the corpus or the cues without retraining (benchmarks/train_reader.py) and this fails; it
    trains the whole reader again, a few minutes."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import train_reader

    items = [b for b in briefs() if b.split == "dev"]
    assert train_reader.differences(train_reader.trained_reader(items), learned.load_reader(), items) == []


def test_the_reader_never_learned_from_a_held_out_or_unseen_brief() -> None:
    reader = learned.load_reader()
    assert reader.briefs == sum(1 for b in briefs() if b.split == "dev")
    assert set(reader.models) == {"stance", "colour"} and set(reader.models["stance"].classes) == set(
        dg.STANCES
    )


def test_weights_that_do_not_fit_the_features_name_the_file(tmp_path) -> None:
    path = write_reader(tmp_path, {"u:zebra": (1.0, 0.0, 0.0), "u:okapi": (0.0, 1.0, 0.0)})
    weights = path.with_suffix(learned.WEIGHTS)
    weights.write_bytes(weights.read_bytes()[:-4])
    with pytest.raises(ValueError, match=weights.name):
        learned.read_reader(path)


def test_the_shipped_reader_reads_a_brief_with_its_words_as_evidence() -> None:
    wish = (
        "The management team has decided on the new opening hours. In the session the branch managers "
        "must accept them and we want them to convince their teams before the summer."
    )
    brief = dg.read_session_brief(Session(title="t", language="en", brief=Brief(wish=wish, context=FILLER)))
    reading = learned.read_learned(brief)["stance"]
    assert abs(sum(reading.probabilities.values()) - 1) < 1e-9
    top = reading.ranked()[0]
    words = reading.evidence((top,))
    assert words and all(w in wish + " " + FILLER for w in words), words


# ------------------------------------------------------------------------- overruling the rules' stance


def test_a_sure_learned_reading_overrules_a_rules_reading_that_heard_nothing(reader) -> None:
    reader("managing", briefs=123)
    wish = f"{FILLER} The zebra question is on the table."
    p = read(wish)
    assert p.stance.value == "managing" and p.stance.asks_for_management
    assert p.stance.reading.confidence >= 95
    assert "zebra" in p.stance.reading.evidence
    assert said(p, "diagnosis.learned_read")
    line = next(r for r in p.stance.reasons if "123" in r)
    assert t("diagnosis.unclear", "en") in line, "the reason says what the rules alone read"


def test_a_brief_of_a_sentence_or_two_is_left_to_the_rules(reader) -> None:
    reader("managing")
    p = read("The zebra question is on the table.")
    assert p.stance.value == "unclear" and not any("learned" in r for r in p.stance.reasons)


def test_an_unsure_learned_reading_leaves_the_rules_reading(reader) -> None:
    reader("managing", strength=0.2)
    p = read(f"{FILLER} The zebra question is on the table.")
    assert p.stance.value == "unclear" and not any("learned" in r for r in p.stance.reasons)


def test_a_learned_reading_that_agrees_is_said_and_changes_nothing(reader) -> None:
    wish = f"{FILLER} We want the team to decide for themselves how they share the zebra shifts."
    before = read(wish)
    assert before.stance.value == "facilitating"
    reader("facilitating")
    after = read(wish)
    assert after.stance.reading == before.stance.reading
    assert said(after, "diagnosis.learned_agrees")


@pytest.mark.parametrize(
    ("wish", "lang"),
    [
        ("We do not want to convince them of anything, and nothing about the zebra plan is fixed.", "en"),
        ("We willen ze nergens van overtuigen, en aan het plan voor de zebra ligt niets vast.", "nl"),
    ],
)
def test_the_learned_reader_does_not_read_managing_where_the_brief_negates_it(reader, wish, lang) -> None:
    """The rules set the managing words aside as negated; a bag of words would count them."""
    reader("managing")
    filler = FILLER if lang == "en" else FILLER_NL
    p = read(f"{filler} {wish}", lang)
    assert p.stance.value != "managing" and not p.stance.asks_for_management
    assert said(p, "diagnosis.learned_negated")


@pytest.mark.parametrize(
    ("wish", "lang"),
    [
        (
            "Get Anna and Bram to stop fighting before the deadline; the zebra team decides together after.",
            "en",
        ),
        (
            "Zorg dat Anna en Bram ophouden met ruziemaken voor de deadline; daarna beslist het team over de zebra.",
            "nl",
        ),
    ],
)
def test_a_managing_ask_the_rules_hear_is_not_turned_into_facilitating(reader, wish, lang) -> None:
    """Precision first: told "facilitating" for a brief that asks for management, a facilitator is misled."""
    reader("facilitating")
    p = read(f"{FILLER if lang == 'en' else FILLER_NL} {wish}", lang)
    assert p.stance.value == "managing" and p.stance.asks_for_management
    assert said(p, "diagnosis.learned_asked")


def test_the_learned_reader_does_not_read_facilitating_where_the_client_is_still_looking(reader) -> None:
    reader("facilitating")
    p = read(f"{FILLER} We don't know yet what the zebra day should bring. Shall we have a call first?")
    assert p.stance.value == "unclear"
    assert said(p, "diagnosis.learned_looking")


def test_the_facilitators_word_stands_over_the_learned_reading(reader) -> None:
    reader("managing")
    p = read(f"{FILLER} The zebra question is on the table.", verdict="facilitating")
    assert p.stance.value == "facilitating" and not p.stance.asks_for_management
    assert p.stance.reading.read == "managing", "what the playbook read stays for the facilitator to see"
    assert (
        dg.effective_readings(
            Session(
                title="t",
                language="en",
                brief=Brief(wish=f"{FILLER} The zebra question is on the table."),
                diagnosis=Diagnosis(readings=FacilitatorReadings(stance="facilitating")),
            )
        ).stance.value
        == "facilitating"
    )


def test_the_learned_reason_is_in_the_sessions_language(reader) -> None:
    reader("managing", briefs=55)
    p = read(f"{FILLER_NL} De kwestie van de zebra ligt op tafel.", "nl")
    assert p.stance.value == "managing"
    line = next(r for r in p.stance.reasons if "55" in r)
    assert line.startswith(t("diagnosis.learned_read", "nl").split("{")[0])


def test_the_readings_rules_validate_the_learned_thresholds(tmp_path) -> None:
    data = dg.load_yaml_file(dg.assets_dir() / "diagnosis" / "readings.yaml")[0]
    data["learned"] = {"words": "many", "stance": 1.5, "colour": -0.1}
    with pytest.raises(dg.PlaybookError) as e:
        dg._rules(data, tmp_path / "readings.yaml")
    text = str(e.value)
    assert all(f"learned.{k}" in text for k in ("words", "stance", "colour")) and "readings.yaml" in text


# ------------------------------------------------------------------------------------ on briefs unseen


def test_on_the_unseen_briefs_the_learned_reader_reads_the_stance_better_than_the_rules_alone() -> None:
    """Sets written blind that neither the rules nor the reader ever learned from: the figure a new brief
    can expect. benchmarks/reading.py prints it against the goal; this guards against a fall."""
    bank, alone = dg.default_bank(), dg.rules_alone()
    items = [b for b in briefs() if b.split == "unseen"]
    both = sum(dg.diagnose(b.session, bank).stance.value == b.stance for b in items) / len(items)
    rules = sum(dg.diagnose(b.session, alone).stance.value == b.stance for b in items) / len(items)
    assert both >= UNSEEN_FLOOR and both >= rules + 0.05, (both, rules)


def test_a_learned_reading_says_so_wherever_it_is_shown(reader) -> None:
    from playbook.ui.diagnosis import reading_html

    reader("managing")
    wish = f"{FILLER} The zebra question is on the table."
    r = read(wish).stance.reading
    assert r.learned and r.to_data()["reader"] == "learned"
    shown = reading_html("stance", r, "en", "Stance")
    assert "by the learned reader" in shown and "Words that weighed most" in shown and "zebra" in shown
    nl = reading_html(
        "stance",
        read(f"{FILLER_NL} De kwestie van de zebra ligt op tafel.", "nl").stance.reading,
        "nl",
        "Houding",
    )
    assert "volgens de geleerde lezer" in nl
    corrected = read(wish, verdict="facilitating").stance.reading
    assert not corrected.learned and "reader" not in corrected.to_data()
    assert "learned reader" not in reading_html("stance", corrected, "en", "Stance")


def test_a_brief_diagnosed_again_is_not_read_again_by_the_learned_reader(tmp_path) -> None:
    session = Session(
        title="t", language="en", brief=Brief(wish=f"{FILLER} The zebra question is on the table.")
    )
    brief = dg.read_session_brief(session)
    first = learned.read_learned(brief)
    assert learned.read_learned(brief) is first
    other = learned.read_reader(write_reader(tmp_path, {"u:zebra": (6.0, -3.0, -3.0)}))
    mine = learned.read_learned(brief, other)
    assert mine is not first and mine["stance"].ranked()[0] == "managing"


# --------------------------------------------------------------------------------- the colour stack


@pytest.fixture
def colour_reader(tmp_path, monkeypatch):
    """Install a reader whose colour word model hears "zebra" (a stem no cue has) as ``towards`` (one
    colour or two), with a stack that follows the word model."""

    def install(towards: str | tuple[str, ...], briefs: int = 7, **stack: float) -> learned.Reader:
        towards = (towards,) if isinstance(towards, str) else towards
        pull = tuple(6.0 if c in towards else -3.0 for c in COLOUR_CLASSES)
        path = write_reader(
            tmp_path, {}, briefs, colour={"u:zebra": pull}, stack=following_the_words(**stack)
        )
        r = learned.read_reader(path)
        monkeypatch.setattr(learned, "load_reader", lambda: r)
        return r

    return install


ZEBRA = f"{FILLER} The zebra question is on the table."


def colour_said(profile: dg.Profile, key: str) -> bool:
    start = t(key, profile.language).split("{")[0]
    return any(r.startswith(start) for r in profile.colour.reasons)


def test_the_stack_decides_one_colour_a_mix_or_unclear() -> None:
    stack = learned.Stack(COLOUR_CLASSES, {}, (0.0,) * 6, 0.5)
    p = dict.fromkeys(COLOUR_CLASSES, 0.02)
    assert stack.decide({**p, "blue": 0.8}) == ("blue",)
    assert stack.decide({**p, "blue": 0.5, "green": 0.3}) == ("blue", "green")
    assert stack.decide({**p, "blue": 0.5, "green": 0.2}) == ("blue",)
    assert stack.decide({**p, "unclear": 0.5, "blue": 0.4}) == ("unclear",)
    # Where "unclear" comes second, the mix is with the next colour.
    assert stack.decide({**p, "red": 0.4, "unclear": 0.3, "white": 0.25}) == ("red", "white")


def test_with_a_pair_model_its_probability_alone_makes_a_mix() -> None:
    stack = learned.Stack(COLOUR_CLASSES, {}, (0.0,) * 6, 0.4, learned.Pair({"share": 1.0}, 0.0))
    p = dict.fromkeys(COLOUR_CLASSES, 0.02)
    assert stack.decide({**p, "blue": 0.8, "green": 0.05}, pair=0.45) == ("blue", "green")
    assert stack.decide({**p, "blue": 0.5, "green": 0.45}, pair=0.3) == ("blue",)
    assert stack.decide({**p, "unclear": 0.5, "blue": 0.4}, pair=0.9) == ("unclear",)
    assert learned.Pair({"share": 2.0}, -1.0).probability({"share": 0.5}) == pytest.approx(0.5)
    assert learned.Pair({"share": 2.0}, -1.0).probability({"share": 1e6}) == pytest.approx(1.0)


def test_the_pair_model_reads_the_two_leading_colours_past_unclear() -> None:
    stack = {**dict.fromkeys(COLOUR_CLASSES, 0.05), "red": 0.4, "unclear": 0.3, "white": 0.2}
    words = {**dict.fromkeys(COLOUR_CLASSES, 0.1), "red": 0.5, "white": 0.25}
    x = learned.pair_inputs(stack, {"red": 2.0, "white": 0.0}, ("red",), words)
    assert x["share"] == pytest.approx(0.5) and x["words_share"] == pytest.approx(0.5)
    assert x["first"] == 0.4 and x["second"] == 0.2 and x["unclear"] == 0.3
    assert (x["ruled_first"], x["ruled_second"], x["ruled_mix"]) == (1.0, 0.0, 0.0)
    assert x["score_gap"] == pytest.approx(-math.log1p(2.0))


def test_the_pair_model_decides_whether_the_second_colour_stands(colour_reader) -> None:
    colour_reader(("green", "blue"), pair=-10.0)  # the words read both alike; the pair model hears no mix
    r = read(ZEBRA).colour
    assert len(r.colours) == 1 and r.colours[0] in ("green", "blue") and r.reading.learned
    colour_reader("green", pair=10.0)  # green leads far; the pair model hears a mix all the same
    r = read(ZEBRA).colour
    assert len(r.colours) == 2 and r.colours[0] == "green" and r.reading.learned


def test_a_sure_stacked_colour_replaces_the_rules_reading(colour_reader) -> None:
    colour_reader("red", briefs=321)
    before = dg.diagnose(Session(title="t", language="en", brief=Brief(wish=ZEBRA)), dg.rules_alone())
    assert before.colour.reading.value == "unclear"
    p = read(ZEBRA)
    r = p.colour.reading
    assert r.value == "red" and r.learned and r.confidence >= 95 and p.colour.dominant == "red"
    assert "zebra" in r.evidence and r.to_data()["reader"] == "learned"
    assert colour_said(p, "diagnosis.learned_read")
    line = next(x for x in p.colour.reasons if "321" in x)
    assert t("diagnosis.unclear", "en") in line, "the reason says what the rules alone read"
    assert not colour_said(p, "diagnosis.colour_none"), "the rules' 'no colour heard' is not shown beside it"


def test_the_stack_reads_a_mix_of_two_colours(colour_reader) -> None:
    colour_reader(("green", "blue"))
    r = read(ZEBRA).colour
    assert set(r.colours) == {"green", "blue"} and r.reading.learned
    names = [c.name("en") for c in dg.default_bank().colours if c.id in ("green", "blue")]
    assert all(n in r.label for n in names), r.label


def test_a_brief_of_a_sentence_or_two_keeps_the_rules_colour(colour_reader) -> None:
    colour_reader("red")
    p = read("The zebra question is on the table.")
    assert p.colour.reading.value == "unclear" and not p.colour.reading.learned
    assert not any("learned" in r for r in p.colour.reasons)


def test_a_stacked_colour_that_agrees_is_said_and_changes_nothing(colour_reader) -> None:
    wish = f"{FILLER} We want the zebra team to reflect on the project, learn from the feedback and practise."
    before = read(wish)
    assert before.colour.reading.value == "green"
    colour_reader("green")
    after = read(wish)
    assert after.colour.reading == before.colour.reading and not after.colour.reading.learned
    assert colour_said(after, "diagnosis.learned_agrees")


@pytest.mark.parametrize(
    ("wish", "lang"),
    [
        ("There are no bonuses and no rewards in the zebra team.", "en"),
        ("Er zijn geen bonussen en geen beloningen voor de zebra.", "nl"),
    ],
)
def test_the_stack_does_not_name_a_colour_whose_every_cue_is_negated(colour_reader, wish, lang) -> None:
    colour_reader("red")
    p = read(f"{FILLER if lang == 'en' else FILLER_NL} {wish}", lang)
    assert "red" not in p.colour.colours and not p.colour.reading.learned
    assert colour_said(p, "diagnosis.learned_negated")


def test_the_rules_alone_read_the_colour_without_the_stack(colour_reader) -> None:
    colour_reader("red")
    p = dg.diagnose(Session(title="t", language="en", brief=Brief(wish=ZEBRA)), dg.rules_alone())
    assert p.colour.reading.value == "unclear" and not any("learned" in r for r in p.colour.reasons)


def test_the_facilitators_word_stands_over_the_stacked_colour(colour_reader) -> None:
    colour_reader("red")
    session = Session(
        title="t",
        language="en",
        brief=Brief(wish=ZEBRA),
        diagnosis=Diagnosis(readings=FacilitatorReadings(colour="blue")),
    )
    p = dg.diagnose(session)
    assert p.colour.colours == ("blue",) and p.colour.reading.read == "red"
    assert not p.colour.reading.learned and dg.effective_readings(session).colour.value == "blue"


def test_the_stacked_colour_reason_is_in_the_sessions_language(colour_reader) -> None:
    colour_reader("white", briefs=55)
    p = read(f"{FILLER_NL} De kwestie van de zebra ligt op tafel.", "nl")
    assert p.colour.colours == ("white",)
    line = next(r for r in p.colour.reasons if "55" in r)
    assert line.startswith(t("diagnosis.learned_read", "nl").split("{")[0])


def test_the_committed_reader_has_a_colour_word_model_and_stack() -> None:
    reader = learned.load_reader()
    assert reader.models["colour"].classes == COLOUR_CLASSES
    stack = reader.stacks["colour"]
    assert stack.classes == COLOUR_CLASSES and 0 < stack.mix < 1
    assert stack.pair is not None
    probs = dict.fromkeys(COLOUR_CLASSES, 1 / 6)
    assert set(stack.pair.weights) == set(learned.pair_inputs(probs, {}, ("unclear",), probs))
    assert {"score:blue", "ruled:blue", "ruled:mix", "words:blue", "log:unclear"} <= set(stack.weights)


def test_the_stack_may_find_no_clear_colour_where_the_cues_heard_one(colour_reader) -> None:
    wish = f"{FILLER} We want the zebra team to reflect on the project, learn from the feedback and practise."
    colour_reader("unclear", briefs=88)
    p = read(wish)
    assert p.colour.reading.value == "unclear" and p.colour.reading.learned and p.colour.dominant is None
    line = next(r for r in p.colour.reasons if "88" in r)
    assert line.startswith(t("diagnosis.learned_unclear", "en").split("{")[0])
    green = next(c.name("en") for c in dg.default_bank().colours if c.id == "green")
    assert green in line, "the reason says what the rules alone read"
