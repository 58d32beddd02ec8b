"""A second reader of the brief: linear models over the brief's own stemmed words and word pairs.

The rules (cues, negation, who is to do what) read what a brief says in so many words. On briefs nobody
had read before, annotators heard who is to do what, and so the stance, in a brief's wording as a whole
where no cue named it; a multinomial logistic regression over the brief's words, trained on the annotated
development briefs of tests/corpus, read those briefs better (benchmarks/learned_reader.py). The diagnosis
lets it overrule the rules' stance only where it is sure, the brief is long enough to be read this way and
the rules have not ruled that stance out (playbook.diagnosis, ``learned`` in readings.yaml).

The colour is read by a stack: a word model of the same kind reads the colour, and a small second model
(``Stack``) weighs its reading together with the cues' evidence per colour and what the rules read, as
learned from the same briefs, and its pair model (``Pair``) says whether the second colour stands beside
the first. The cues alone hear a second colour too readily and miss a colour told in other words; the stack
read briefs written blind better than either alone.

The weights are data (assets/diagnosis/learned-reader.json and .f32), written by
benchmarks/train_reader.py; this module reads them in pure Python and says which words weighed most.
"""

from __future__ import annotations

import json
import math
import sys
from array import array
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .paths import assets_dir
from .reading import BriefText, Token, function_words
from .session import UNCLEAR

MODEL_FILE = "learned-reader.json"
WEIGHTS = ".f32"
SHOWN = 4
"""How many of the brief's words are quoted as the evidence of a learned reading."""

Span = tuple[int, int, int]
"""Where a feature was found: the brief's document (one per part), its first and last token."""


def features(brief: BriefText) -> dict[str, list[Span]]:
    """The models' features of a brief read by playbook.reading, each with where it was found.

    ``u:`` a stem anywhere, ``w:`` / ``c:`` a stem in what the client asks (wish, result, purpose) or in
    the context, ``b:`` two stems in a row within a clause. Function words make no single-word feature.
    """
    out: dict[str, list[Span]] = {}
    for d, doc in enumerate(brief.docs):
        stop = function_words(doc.language)
        toks = doc.tokens
        for i, tok in enumerate(toks):
            if tok.text not in stop:
                tag = "c" if tok.part == "context" else "w"
                out.setdefault(f"u:{tok.stem}", []).append((d, i, i))
                out.setdefault(f"{tag}:{tok.stem}", []).append((d, i, i))
            if i + 1 < len(toks) and toks[i + 1].clause == tok.clause:
                out.setdefault(f"b:{tok.stem}_{toks[i + 1].stem}", []).append((d, i, i + 1))
    return out


def words_in(brief: BriefText) -> int:
    """How many words the brief has, as the tokeniser counts them."""
    return sum(len(doc.tokens) for doc in brief.docs)


@dataclass(frozen=True)
class Model:
    """One label's classes, with the weights of each feature for each class at ``offset`` in the file's
    shared rows."""

    classes: tuple[str, ...]
    bias: tuple[float, ...]
    offset: int


@dataclass(frozen=True)
class Pair:
    """Whether the second colour stands beside the first, making a mix: a logistic regression over
    ``pair_inputs``. The stack's probabilities rank the colours well but say a mix poorly (a mix was half
    of each colour in training); on the development briefs, each set read by models trained without it,
    this second model told a mix from a single colour better than any share of the first's probability."""

    weights: dict[str, float]
    bias: float

    def probability(self, inputs: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(name, 0.0) * x for name, x in inputs.items())
        return 1 / (1 + math.exp(-z)) if z > -700 else 0.0


@dataclass(frozen=True)
class Stack:
    """A second-level model: a logistic regression over what the rules read and what a word model reads
    (``stack_inputs``), so that each is trusted where it has read annotated briefs best."""

    classes: tuple[str, ...]
    weights: dict[str, tuple[float, ...]]
    """Each input's weight for each class."""
    bias: tuple[float, ...]
    mix: float
    """With a ``pair`` model, the probability of a mix at which the second colour stands; without one, the
    share of the first colour's probability the second needs."""
    pair: Pair | None = None

    def probabilities(self, inputs: dict[str, float]) -> dict[str, float]:
        logits = list(self.bias)
        for name, x in inputs.items():
            for k, w in enumerate(self.weights.get(name, ())):
                logits[k] += w * x
        return _softmax(self.classes, logits)

    def decide(self, probabilities: dict[str, float], pair: float | None = None) -> tuple[str, ...]:
        """The leading class, or the leading two where the brief is a mix: ``pair`` (the pair model's
        probability of a mix) reaches ``mix``, or without it the second has ``mix`` of the first's
        probability; ``("unclear",)`` where that is most probable."""
        ranked = sorted(probabilities, key=lambda c: -probabilities[c])
        if ranked[0] == UNCLEAR:
            return (UNCLEAR,)
        top, *rest = [c for c in ranked if c != UNCLEAR]
        if not rest:
            return (top,)
        second = rest[0]
        mixed = probabilities[second] >= self.mix * probabilities[top] if pair is None else pair >= self.mix
        return (top, second) if mixed else (top,)

    def read(
        self, scores: dict[str, float], ruled: tuple[str, ...], words: dict[str, float]
    ) -> tuple[dict[str, float], tuple[str, ...]]:
        """The stack's probabilities for a brief and what it decides, its pair model weighing a mix."""
        probs = self.probabilities(stack_inputs(scores, ruled, words))
        pair = self.pair.probability(pair_inputs(probs, scores, ruled, words)) if self.pair else None
        return probs, self.decide(probs, pair)


def stack_inputs(
    scores: dict[str, float], ruled: tuple[str, ...], words: dict[str, float]
) -> dict[str, float]:
    """What the colour stack reads: the rules' evidence per colour (log1p, as it saturates), the colours the
    rules read (or that they read none, or a mix), and the word model's probabilities and their logs."""
    out = {f"score:{c}": math.log1p(s) for c, s in scores.items()}
    out.update({f"ruled:{c}": 1.0 for c in ruled})
    if len(ruled) > 1:
        out["ruled:mix"] = 1.0
    for c, p in words.items():
        out[f"words:{c}"] = p
        out[f"log:{c}"] = math.log(max(p, 1e-6))
    return out


def pair_inputs(
    probabilities: dict[str, float], scores: dict[str, float], ruled: tuple[str, ...], words: dict[str, float]
) -> dict[str, float]:
    """What the pair model reads of the stack's two leading colours: how close the second comes to the
    first in the stack's probabilities, in the word model's and in the cues' evidence, and whether the
    rules heard either or a mix."""
    first, second = [c for c in sorted(probabilities, key=lambda c: -probabilities[c]) if c != UNCLEAR][:2]
    p1, p2 = probabilities[first], probabilities[second]
    w1, w2 = max(words.get(first, 0.0), 1e-6), max(words.get(second, 0.0), 1e-6)
    s1, s2 = math.log1p(scores.get(first, 0.0)), math.log1p(scores.get(second, 0.0))
    return {
        "share": p2 / p1,
        "log_share": math.log(max(p2, 1e-9) / max(p1, 1e-9)),
        "first": p1,
        "second": p2,
        "unclear": probabilities.get(UNCLEAR, 0.0),
        "words_share": w2 / w1,
        "words_log_share": math.log(w2 / w1),
        "ruled_mix": float(len([c for c in ruled if c != UNCLEAR]) > 1),
        "ruled_first": float(first in ruled),
        "ruled_second": float(second in ruled),
        "score_first": s1,
        "score_second": s2,
        "score_gap": s2 - s1,
    }


@dataclass(frozen=True)
class Reader:
    briefs: int
    """How many annotated briefs the models were trained on (said to the facilitator)."""
    models: dict[str, Model]
    index: dict[str, int] = field(repr=False)
    """Each feature's row in ``weights``."""
    weights: array = field(repr=False)
    """Row after row, the weights of every label's classes, one label after the other (float32)."""
    stacks: dict[str, Stack] = field(default_factory=dict)
    """Per label, a second-level model over the rules' reading and the word model's (the colour)."""

    @property
    def width(self) -> int:
        return sum(len(m.classes) for m in self.models.values())


@cache
def load_reader() -> Reader:
    """The committed reader, read once per process."""
    return read_reader(assets_dir() / "diagnosis" / MODEL_FILE)


def read_reader(head: Path) -> Reader:
    """A reader's files: a JSON head (labels, classes, biases, feature names) and its weights, little-endian
    float32 in a file beside it (``WEIGHTS``), read in a few milliseconds where JSON numbers took eighty.
    A malformed file is a packaging error, not a user's, so it simply raises."""
    data: dict[str, Any] = json.loads(head.read_text("utf-8"))
    models = {
        label: Model(tuple(m["classes"]), tuple(m["bias"]), int(m["offset"]))
        for label, m in data["labels"].items()
    }
    weights = array("f")
    weights.frombytes(head.with_suffix(WEIGHTS).read_bytes())
    if sys.byteorder != "little":
        weights.byteswap()
    names = data["features"]
    stacks = {
        label: Stack(
            tuple(m["classes"]),
            {i: tuple(w) for i, w in m["weights"].items()},
            tuple(m["bias"]),
            float(m["mix"]),
            Pair(dict(m["pair"]["weights"]), float(m["pair"]["bias"])) if "pair" in m else None,
        )
        for label, m in data.get("stacks", {}).items()
    }
    reader = Reader(int(data["briefs"]), models, {f: k for k, f in enumerate(names)}, weights, stacks)
    if len(weights) != len(names) * reader.width:
        raise ValueError(f"{head.with_suffix(WEIGHTS)}: {len(weights)} weights for {len(names)} features")
    return reader


@dataclass(frozen=True)
class LearnedReading:
    """One label's reading: the probability of every class, and the words behind any of them."""

    label: str
    probabilities: dict[str, float]
    briefs: int
    """How many annotated briefs the reader learned from."""
    _spans: dict[str, list[Span]] = field(repr=False, compare=False)
    _brief: BriefText = field(repr=False, compare=False)
    _reader: Reader = field(repr=False, compare=False)
    _scale: float = field(repr=False, compare=False)
    stack: Stack | None = field(default=None, repr=False, compare=False)
    """The reader's second-level model for this label, if it has one (the colour)."""

    def ranked(self) -> list[str]:
        """The classes, most probable first (ties by the model's order)."""
        return sorted(self.probabilities, key=lambda c: -self.probabilities[c])

    def evidence(self, values: tuple[str, ...], shown: int = SHOWN) -> tuple[str, ...]:
        """The brief's words whose features pushed most towards ``values``, as the client wrote them.

        A feature's push towards a class is its weight there beyond its average over the classes. Words
        that say nothing on their own ("you to", "in", "1") weigh in the reading but are not quoted.
        """
        classes = list(self.probabilities)
        ks = [classes.index(v) for v in values]
        r = self._reader
        m = r.models[self.label]
        n, width = len(m.classes), r.width
        push = {}
        for f in self._spans:
            if (row := r.index.get(f)) is not None:
                at = row * width + m.offset
                w = r.weights[at : at + n]
                push[f] = self._scale * (sum(w[k] for k in ks) / len(ks) - sum(w) / n)
        words: list[str] = []
        for f in sorted((f for f in push if push[f] > 0), key=lambda f: (-push[f], f)):
            d, first, last = self._spans[f][0]
            doc = self._brief.docs[d]
            stop = function_words(doc.language)
            if not any(_telling(tok, stop) for tok in doc.tokens[first : last + 1]):
                continue
            said = doc.words(first, last)
            if said not in words and not any(said in w for w in words):
                words.append(said)
            if len(words) == shown:
                break
        return tuple(words)


def _telling(tok: Token, stop: frozenset[str]) -> bool:
    """A word that says something when quoted: not a function word or a number, and either four letters
    or more or written with a capital inside a sentence (a name, "het MT")."""
    if not tok.text.isalpha() or tok.text in stop:
        return False
    return len(tok.text) >= 4 or (tok.capital and not tok.initial)


_READ: dict[int, tuple[BriefText, Reader, dict[str, LearnedReading]]] = {}
"""The last briefs read, by identity: a widget redraw diagnoses the same brief (playbook.reading keeps it)
again, and need not read it a second time."""


def read_learned(brief: BriefText, reader: Reader | None = None) -> dict[str, LearnedReading]:
    """Every label's learned reading of a brief.

    The features are binary and scaled to unit length, as in training, so a long brief does not read
    more surely for being long.
    """
    reader = reader or load_reader()
    kept = _READ.get(id(brief))
    if kept is not None and kept[0] is brief and kept[1] is reader:
        return kept[2]
    out = _read(brief, reader)
    if len(_READ) >= 64:
        _READ.clear()
    _READ[id(brief)] = (brief, reader, out)
    return out


def _read(brief: BriefText, reader: Reader) -> dict[str, LearnedReading]:
    spans = features(brief)
    index, weights, width = reader.index, reader.weights, reader.width
    rows = [index[f] for f in spans if f in index]
    scale = 1 / math.sqrt(len(rows)) if rows else 0.0
    totals = [0.0] * width  # every label's classes at once: one slice of the weights per feature
    for row in rows:
        for k, w in enumerate(weights[row * width : (row + 1) * width]):
            totals[k] += w
    out = {}
    for label, m in reader.models.items():
        logits = [b + scale * totals[m.offset + k] for k, b in enumerate(m.bias)]
        out[label] = LearnedReading(
            label, _softmax(m.classes, logits), reader.briefs, spans, brief, reader, scale,
            reader.stacks.get(label),
        )  # fmt: skip
    return out


def _softmax(classes: tuple[str, ...], logits: list[float]) -> dict[str, float]:
    top = max(logits)
    exp = [math.exp(z - top) for z in logits]
    total = sum(exp)
    return {c: e / total for c, e in zip(classes, exp, strict=True)}
