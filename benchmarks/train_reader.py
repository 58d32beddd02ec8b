"""Train the learned reader (playbook/learned.py) on the development briefs and write its weights.

    .venv/bin/python benchmarks/train_reader.py           # writes assets/diagnosis/learned-reader.json
    .venv/bin/python benchmarks/train_reader.py --check   # exit 1 when a fresh training reads otherwise

Only the ``dev`` split of tests/corpus is read; the held-out and unseen briefs stay unseen.

- **Word models**, per label (stance; colour): a multinomial logistic regression with L2 over the features
  of playbook.learned (binary, scaled to unit length, centred), fitted by a fixed number of accelerated
  gradient steps from zero, so the same briefs give the same weights (float32). A mix of two colours is
  half of each.
- **The colour stack**: a small logistic regression over what the rules read (playbook.diagnosis with the
  stack switched off) and what the colour word model reads. The word model's readings it learns from are
  out of fold (each blind set read by a word model trained without it), so the stack learns how far the
  word model is to be trusted on briefs it has not seen, not on briefs it learned by heart.
- **Its pair model**: a logistic regression that says whether the stack's second colour stands beside the
  first (a mix), over how close the two come in the stack's, the word model's and the cues' readings
  (playbook.learned.pair_inputs). It learns from the stack's readings out of fold in turn.

numpy is needed here only: reading a brief needs none.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playbook.diagnosis import COLOURS, STANCES, default_bank, diagnose, read_session_brief, rules_alone  # noqa: E402
from playbook.learned import (  # noqa: E402
    MODEL_FILE,
    WEIGHTS,
    Reader,
    features,
    load_reader,
    pair_inputs,
    read_learned,
    read_reader,
    stack_inputs,
)
from playbook.session import UNCLEAR  # noqa: E402
from tests.corpus import Labelled, briefs, set_of  # noqa: E402

COLOUR_CLASSES = (*COLOURS, UNCLEAR)
LAMBDA = {"stance": 1e-4, "colour": 1e-4}
"""The L2 strength per word model that read best over 1e-4 .. 3e-3, leaving each blind set out in turn."""
STEPS = 800
MIN_BRIEFS = 2
"""A feature is kept when at least this many development briefs have it."""
STACK_LAMBDA = 0.1
STACK_STEPS = 3000
PAIR_LAMBDA = 0.01
MIX = 0.4
"""The pair model's probability of a mix at which the second colour stands: of 0.3 .. 0.6, the one that
read best leaving each blind set out in turn around the word model, the stack and the pair model alike
(on the development briefs, 86.9 % where a share of 0.5 of the first colour's probability read 83.0 %)."""
OUT = ROOT / "assets" / "diagnosis" / MODEL_FILE

Docs = list[dict[str, Any]]


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(1, keepdims=True)


def _accelerated(
    start: np.ndarray, gradient: Callable[[np.ndarray], np.ndarray], step: float, steps: int
) -> np.ndarray:
    """A fixed number of accelerated gradient steps (Nesterov's momentum) from ``start``: the same data
    give the same weights, with no tolerance to tune."""
    w, v, t = start, start.copy(), 1.0
    for _ in range(steps):
        w_new = v - step * gradient(v)
        t_new = (1 + math.sqrt(1 + 4 * t * t)) / 2
        v = w_new + (t - 1) / t_new * (w_new - w)
        w, t = w_new, t_new
    return w


def fit(
    x: np.ndarray, y: np.ndarray, lam: float, steps: int = STEPS, gram: np.ndarray | None = None
) -> np.ndarray:
    """Primal weights of the L2 multinomial regression, found in the span of the rows (w = X^T a): each
    step costs briefs x briefs, not briefs x features. ``gram`` is X X^T where the caller has it."""
    n = x.shape[0]
    gram = x @ x.T if gram is None else gram
    step = 1 / (0.5 * float(np.abs(gram).sum(1).max()) / n + lam)
    a = _accelerated(np.zeros((n, y.shape[1])), lambda a: (_softmax(gram @ a) - y) / n + lam * a, step, steps)
    return x.T @ a


def fit_stack(
    x: np.ndarray, y: np.ndarray, lam: float = STACK_LAMBDA, steps: int = STACK_STEPS
) -> np.ndarray:
    """Weights (last row: the bias, not penalised) of the stack's L2 multinomial regression: a few inputs,
    so the primal is cheap."""
    n, d = x.shape
    x1 = np.hstack([x, np.ones((n, 1))])
    pen = np.ones((d + 1, 1))
    pen[-1] = 0
    step = 1 / (0.5 * float(np.linalg.norm(x1, 2)) ** 2 / n + lam)
    return _accelerated(
        np.zeros((d + 1, y.shape[1])),
        lambda w: x1.T @ (_softmax(x1 @ w) - y) / n + lam * pen * w,
        step,
        steps,
    )


def targets(items: list[Labelled]) -> dict[str, tuple[tuple[str, ...], np.ndarray]]:
    """Each label's classes and every brief's target: the stance; the colour, a mix half of each."""
    stance = np.array([[b.stance == c for c in STANCES] for b in items], float)
    colour = np.array(
        [
            [(c in b.colour) / len(b.colour) if b.colour else float(c == UNCLEAR) for c in COLOUR_CLASSES]
            for b in items
        ]
    )
    return {"stance": (STANCES, stance), "colour": (COLOUR_CLASSES, colour)}


def _design(docs: Docs) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The kept features, the centred design matrix (last column: the bias) and the centre."""
    count: dict[str, int] = {}
    for d in docs:
        for f in d:
            count[f] = count.get(f, 0) + 1
    vocab = sorted(f for f, n in count.items() if n >= MIN_BRIEFS)
    x = _rows(docs, {f: k for k, f in enumerate(vocab)})
    centre = x[:, :-1].mean(0)
    x[:, :-1] -= centre
    return vocab, x, centre


def _rows(docs: Docs, index: dict[str, int]) -> np.ndarray:
    """Binary features scaled to unit length, as playbook.learned reads a brief, and a bias column."""
    x = np.zeros((len(docs), len(index) + 1))
    for r, d in enumerate(docs):
        idx = [index[f] for f in d if f in index]
        if idx:
            x[r, idx] = 1 / math.sqrt(len(idx))
    x[:, -1] = 1.0
    return x


def _word_models(
    docs: Docs, ys: dict[str, np.ndarray]
) -> tuple[list[str], dict[str, tuple[np.ndarray, np.ndarray]]]:
    """The kept features and each label's feature weights and bias, the centring folded into the bias, so
    the reader scales the brief's features and adds: nothing else. One design matrix and its Gram matrix,
    the costly part, serve every label."""
    vocab, x, centre = _design(docs)
    gram = x @ x.T
    out = {}
    for label, y in ys.items():
        w = fit(x, y, LAMBDA[label], gram=gram)
        out[label] = (w[:-1], w[-1] - centre @ w[:-1])
    return vocab, out


def out_of_fold(docs: Docs, items: list[Labelled], y: np.ndarray) -> np.ndarray:
    """Every brief's colour probabilities (``y``: the colour targets) by a word model trained without the
    blind set it belongs to."""

    def fitted(train: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        vocab, models = _word_models([docs[k] for k in np.flatnonzero(train)], {"colour": y[train]})
        w, bias = models["colour"]
        index = {f: k for k, f in enumerate(vocab)}
        return lambda rows: _softmax(_rows([docs[k] for k in np.flatnonzero(rows)], index)[:, :-1] @ w + bias)

    return by_set(items, fitted)


def rules_read(items: list[Labelled]) -> list[tuple[dict[str, float], tuple[str, ...]]]:
    """What the rules alone read of each brief's colour: the evidence per colour and the colours read."""
    bank = rules_alone(default_bank())
    out = []
    for b in items:
        c = diagnose(b.session, bank).colour
        out.append((dict(c.scores), c.colours or (UNCLEAR,)))
    return out


def _by_class(p: np.ndarray) -> dict[str, float]:
    return dict(zip(COLOUR_CLASSES, map(float, p), strict=True))


def stack_rows(
    ruled: list[tuple[dict[str, float], tuple[str, ...]]], probs: np.ndarray
) -> tuple[list[str], np.ndarray]:
    """The stack's inputs (playbook.learned.stack_inputs) for every brief, as a matrix."""
    rows = [
        stack_inputs(scores, colours, _by_class(p)) for (scores, colours), p in zip(ruled, probs, strict=True)
    ]
    names = sorted({k for r in rows for k in r})
    return names, np.array([[r.get(k, 0.0) for k in names] for r in rows])


def by_set(
    items: list[Labelled], fit: Callable[[np.ndarray], Callable[[np.ndarray], np.ndarray]]
) -> np.ndarray:
    """Every brief's colour probabilities by a model fitted without its blind set: ``fit`` takes the rows
    to train on and returns what reads the others."""
    groups = np.array([set_of(b.id) for b in items])
    out = np.zeros((len(items), len(COLOUR_CLASSES)))
    for g in sorted(set(groups)):
        test = groups == g
        out[test] = fit(~test)(test)
    return out


def stack_reader(x: np.ndarray, y: np.ndarray) -> Callable[[np.ndarray], Callable[[np.ndarray], np.ndarray]]:
    def fitted(train: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        w = fit_stack(x[train], y[train])
        return lambda rows: _softmax(np.hstack([x[rows], np.ones((int(rows.sum()), 1))]) @ w)

    return fitted


def pair_rows(
    ruled: list[tuple[dict[str, float], tuple[str, ...]]], stacked: np.ndarray, words: np.ndarray
) -> tuple[list[str], np.ndarray]:
    """The pair model's inputs (playbook.learned.pair_inputs) for every brief, as a matrix."""
    rows = [
        pair_inputs(_by_class(p), scores, colours, _by_class(w))
        for (scores, colours), p, w in zip(ruled, stacked, words, strict=True)
    ]
    names = list(rows[0])
    return names, np.array([[r[k] for k in names] for r in rows])


def fit_pair(x: np.ndarray, mix: np.ndarray, lam: float = PAIR_LAMBDA) -> tuple[np.ndarray, float]:
    """The pair model's weight per input and its bias: a two-class regression over standardised inputs,
    the standardising folded into the weights so the reader only multiplies and adds."""
    centre, spread = x.mean(0), x.std(0) + 1e-9
    w = fit_stack((x - centre) / spread, np.stack([mix, 1 - mix], 1), lam)
    weights = (w[:-1, 0] - w[:-1, 1]) / spread
    return weights, float(w[-1, 0] - w[-1, 1] - weights @ centre)


def train(items: list[Labelled] | None = None) -> tuple[dict[str, Any], bytes]:
    """The reader's head and weights, trained on ``items`` (the development briefs by default)."""
    items = items if items is not None else [b for b in briefs() if b.split == "dev"]
    docs = [features(read_session_brief(b.session)) for b in items]
    ys = targets(items)
    vocab, models = _word_models(docs, {label: y for label, (_, y) in ys.items()})
    labels, columns = {}, []
    for label, (classes, _) in ys.items():
        w, bias = models[label]
        labels[label] = {
            "classes": list(classes),
            "bias": [round(float(v), 6) for v in bias],
            "offset": sum(c.shape[1] for c in columns),
        }
        columns.append(w)
    rows = np.hstack(columns).astype("<f4")
    kept = [k for k in range(len(vocab)) if rows[k].any()]
    colour = ys["colour"][1]
    ruled, words = rules_read(items), out_of_fold(docs, items, colour)
    names, x = stack_rows(ruled, words)
    w = fit_stack(x, colour)
    inputs, pairs = pair_rows(ruled, by_set(items, stack_reader(x, colour)), words)
    mix = np.array([float(len(b.colour) == 2) for b in items])
    pw, pb = fit_pair(pairs, mix)
    stack = {
        "classes": list(COLOUR_CLASSES),
        "weights": {n: [round(float(v), 6) for v in w[k]] for k, n in enumerate(names)},
        "bias": [round(float(v), 6) for v in w[-1]],
        "mix": MIX,
        "pair": {
            "weights": {n: round(float(v), 6) for n, v in zip(inputs, pw, strict=True)},
            "bias": round(pb, 6),
        },
    }
    head = {
        "about": "The learned reader of playbook/learned.py, written by benchmarks/train_reader.py.",
        "briefs": len(items),
        "lambda": LAMBDA,
        "steps": STEPS,
        "labels": labels,
        "stacks": {"colour": stack},
        "stack_lambda": STACK_LAMBDA,
        "pair_lambda": PAIR_LAMBDA,
        "features": [vocab[k] for k in kept],
    }
    return head, rows[kept].tobytes()


def dumps(head: dict[str, Any]) -> str:
    return json.dumps(head, ensure_ascii=False, indent=0, sort_keys=True) + "\n"


def write(head: dict[str, Any], weights: bytes, out: Path) -> None:
    """Both files, each replaced whole: a reader never sees half a file."""
    for path, data in ((out.with_suffix(WEIGHTS), weights), (out, dumps(head).encode("utf-8"))):
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)


def trained_reader(items: list[Labelled]) -> Reader:
    """A reader trained on ``items``, as the playbook would read it, through files in a folder of its own
    (never beside the committed ones)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / MODEL_FILE
        write(*train(items), path)
        return read_reader(path)


def differences(again: Reader, committed: Reader, items: list[Labelled]) -> list[str]:
    """Where a fresh training reads the development briefs otherwise than the committed weights (more
    than a rounding apart), and whether it was trained on as many briefs."""
    out = [] if again.briefs == committed.briefs else [f"briefs: {committed.briefs} → {again.briefs}"]
    for label, stack in committed.stacks.items():
        fresh = again.stacks.get(label)
        if fresh is None or fresh.classes != stack.classes or set(fresh.weights) != set(stack.weights):
            out.append(f"{label} stack: other classes or inputs")
            continue
        pairs = [*zip(fresh.bias, stack.bias, strict=True)] + [
            (a, b) for name, w in stack.weights.items() for a, b in zip(fresh.weights[name], w, strict=True)
        ]
        mine, theirs = fresh.pair, stack.pair
        if (mine is None) != (theirs is None) or (
            mine and theirs and set(mine.weights) != set(theirs.weights)
        ):
            out.append(f"{label} stack: other pair model")
        elif mine and theirs:
            pairs += [(mine.bias, theirs.bias), *((mine.weights[n], v) for n, v in theirs.weights.items())]
        if (gap := max(abs(a - b) for a, b in pairs)) > 0.01 or fresh.mix != stack.mix:
            out.append(f"{label} stack: weights {gap:.3f} apart")
    out += [f"{label} stack: missing" for label in again.stacks if label not in committed.stacks]
    for b in items:
        brief = read_session_brief(b.session)
        old, new = read_learned(brief, committed), read_learned(brief, again)
        for label, r in old.items():
            gap = max(abs(p - new[label].probabilities[c]) for c, p in r.probabilities.items())
            if gap > 0.01:
                out.append(f"{b.id} {label}: probabilities {gap:.3f} apart")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare with the committed weights, write nothing")
    args = ap.parse_args()
    items = [b for b in briefs() if b.split == "dev"]
    if args.check:
        found = differences(trained_reader(items), load_reader(), items)
        print("\n".join(found) or f"{OUT.name}: a fresh training reads the {len(items)} briefs alike")
        return 1 if found else 0
    model = train(items)
    write(*model, OUT)
    size = (OUT.stat().st_size + OUT.with_suffix(WEIGHTS).stat().st_size) // 1024
    print(f"wrote {OUT.relative_to(ROOT)} and its weights: {len(model[0]['features'])} features, {size} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
