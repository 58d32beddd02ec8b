"""Train the learned reader (playbook/learned.py) on the development briefs and write its weights.

    .venv/bin/python benchmarks/train_reader.py           # writes assets/diagnosis/learned-reader.json
    .venv/bin/python benchmarks/train_reader.py --check   # exit 1 when a fresh training reads otherwise

Only the ``dev`` split of tests/corpus is read; the held-out and unseen briefs stay unseen. Per label
(the stance: a colour model read fresh briefs no better than the rules) a multinomial logistic
regression with L2 over the features of playbook.learned (binary, scaled to unit length, centred), fitted by a fixed number of
accelerated gradient steps from zero, so the same briefs give the same weights (float32).
numpy is needed here only: reading a brief needs none.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playbook.diagnosis import read_session_brief  # noqa: E402
from playbook.learned import MODEL_FILE, WEIGHTS, Reader, features, load_reader, read_learned, read_reader  # noqa: E402
from tests.corpus import Labelled, briefs  # noqa: E402

STANCES = ("managing", "facilitating", "unclear")
LAMBDA = 1e-4
"""The L2 strength that read best over 1e-4 .. 3e-3, leaving each blind set out in turn."""
STEPS = 800
MIN_BRIEFS = 2
"""A feature is kept when at least this many development briefs have it."""
OUT = ROOT / "assets" / "diagnosis" / MODEL_FILE


def fit(x: np.ndarray, y: np.ndarray, lam: float = LAMBDA, steps: int = STEPS) -> np.ndarray:
    """Primal weights of the L2 multinomial regression, found in the span of the rows (w = X^T a): each
    step costs briefs x briefs, not briefs x features."""
    n = x.shape[0]
    gram = x @ x.T
    a = np.zeros((n, y.shape[1]))
    v = a.copy()
    step = 1 / (0.5 * float(np.abs(gram).sum(1).max()) / n + lam)
    t = 1.0
    for _ in range(steps):
        z = gram @ v
        z -= z.max(1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(1, keepdims=True)
        a_new = v - step * ((p - y) / n + lam * v)
        t_new = (1 + math.sqrt(1 + 4 * t * t)) / 2
        v = a_new + (t - 1) / t_new * (a_new - a)
        a, t = a_new, t_new
    return x.T @ a


def targets(items: list[Labelled]) -> dict[str, tuple[tuple[str, ...], np.ndarray]]:
    """Each label's classes and every brief's target (one label today: the stance)."""
    stance = np.array([[b.stance == c for c in STANCES] for b in items], float)
    return {"stance": (STANCES, stance)}


def train(items: list[Labelled] | None = None) -> tuple[dict[str, Any], bytes]:
    """The reader's head and weights, trained on ``items`` (the development briefs by default)."""
    items = items if items is not None else [b for b in briefs() if b.split == "dev"]
    docs = [features(read_session_brief(b.session)) for b in items]
    count: dict[str, int] = {}
    for d in docs:
        for f in d:
            count[f] = count.get(f, 0) + 1
    vocab = sorted(f for f, n in count.items() if n >= MIN_BRIEFS)
    index = {f: k for k, f in enumerate(vocab)}
    x = np.zeros((len(items), len(vocab) + 1))
    for r, d in enumerate(docs):
        idx = [index[f] for f in d if f in index]
        if idx:
            x[r, idx] = 1 / math.sqrt(len(idx))
    x[:, -1] = 1.0
    centre = x[:, :-1].mean(0)
    x[:, :-1] -= centre
    labels, columns = {}, []
    for label, (classes, y) in targets(items).items():
        w = fit(x, y)
        # Centring folds into the bias, so the reader scales the brief's features and adds: nothing else.
        bias = w[-1] - centre @ w[:-1]
        offset = sum(c.shape[1] for c in columns)
        labels[label] = {
            "classes": list(classes),
            "bias": [round(float(v), 6) for v in bias],
            "offset": offset,
        }
        columns.append(w[:-1])
    rows = np.hstack(columns).astype("<f4")
    kept = [k for k in range(len(vocab)) if rows[k].any()]
    head = {
        "about": "The learned reader of playbook/learned.py, written by benchmarks/train_reader.py.",
        "briefs": len(items),
        "lambda": LAMBDA,
        "steps": STEPS,
        "labels": labels,
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
