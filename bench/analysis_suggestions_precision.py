"""Precision of the theme suggestions on the demo data, with held-out splits.

Run: .venv/bin/python bench/analysis_suggestions_precision.py [--write]
Loads the demo data into a throwaway SQLite database. For five random 80/20 splits of the
tagged demo findings it trains on the 80% and asks for suggestions for the other 20%, as
if they were untagged (in memory only: nothing is written to the database), using the
same model, top-k and threshold as the findings browser. With --write the figures go
into docs/benchmarks.md.
"""
from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_docs import write_section  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.analysis import suggestions  # noqa: E402
from webapp.config import TestConfig  # noqa: E402
from webapp.demo.services import load_demo  # noqa: E402
from webapp.extensions import db  # noqa: E402

SEEDS = range(5)


def evaluate(examples, seed: int) -> dict[str, float]:
    items = examples[:]
    random.Random(seed).shuffle(items)
    cut = int(len(items) * 0.8)
    train, held_out = items[:cut], items[cut:]
    start = time.perf_counter()
    model = suggestions.train([(text, ids) for _id, text, ids in train])
    seconds = time.perf_counter() - start
    found = model.suggest([text for _id, text, _ids in held_out])
    shown = sum(len(f) for f in found)
    right = sum(1 for (_id, _t, ids), f in zip(held_out, found) for theme_id, _p in f if theme_id in ids)
    firsts = [f[0][0] in ids for (_id, _t, ids), f in zip(held_out, found) if f]
    true_tags = sum(len(ids) for _id, _t, ids in held_out)
    return {"precision": right / shown if shown else 0.0, "precision_at_1": sum(firsts) / len(firsts) if firsts else 0.0,
            "recall": right / true_tags, "coverage": len(firsts) / len(held_out), "chips": shown / len(held_out),
            "train_seconds": seconds, "held_out": len(held_out), "train": len(train)}


def main(write: bool) -> None:
    directory = tempfile.mkdtemp(prefix="klankbord-bench-")

    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{directory}/bench.db"

    app = create_app(BenchConfig)
    with app.app_context():
        db.create_all()
        load_demo()
        examples = suggestions.training_examples()
        results = [evaluate(examples, seed) for seed in SEEDS]

    def mean(key):
        return statistics.mean(r[key] for r in results)

    lines = [
        f"Theme suggestions on the demo data: {len(examples)} tagged findings (nl/en/ar/ti), "
        f"{len(SEEDS)} random 80/20 splits ({results[0]['train']} to train, {results[0]['held_out']} held out), "
        f"top {suggestions.TOP_K} chips with probability ≥ {suggestions.THRESHOLD}:",
        "",
        "| Measure | Mean | Per split |",
        "|---|---|---|",
    ]
    for key, label in (("precision", "Precision (share of chips shown that are right)"),
                       ("precision_at_1", "Precision of the first chip"),
                       ("recall", "Recall (share of the true themes suggested)"),
                       ("coverage", "Held-out findings with at least one chip"),
                       ("chips", "Chips per finding"),
                       ("train_seconds", "Training time (s)")):
        per_split = ", ".join(f"{r[key]:.2f}" for r in results)
        lines.append(f"| {label} | {mean(key):.2f} | {per_split} |")
    lines += ["", "With 26 themes and about 2.5 themes per finding, a chip picked at random is right about "
              "one time in ten. Suggestions are only shown; a user accepts or rejects each chip.",
              "", "Command: `.venv/bin/python bench/analysis_suggestions_precision.py --write`."]
    print("\n".join(lines))
    if write:
        write_section("analysis-suggestions", "Theme suggestion precision (`bench/analysis_suggestions_precision.py`)", "\n".join(lines))


if __name__ == "__main__":
    main("--write" in sys.argv)
