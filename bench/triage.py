"""Triage: how fast the trained classifier loads and labels, and how well, on data it never saw.

1. Trains a model on data/triage/train.jsonl with the repository's lexicon (as
   ``insaf triage train --no-corrections`` does) and saves it.
2. Load time: a fresh process loads the model file and labels one text (median of 5).
3. Throughput on one core, in a fresh process set up as ``insaf triage`` sets it up, in batches
   of 256: (a) 4,000 generated complaints (the intake benchmark's generator: Arabic standard and
   dialect, French, English, Arabizi, 100 to 1,500 characters; a small vocabulary, so after the
   first texts nearly every word is one the process has seen); (b) the repository's labelled
   texts (test split first, then training), shorter and with a far larger vocabulary, once with
   every word new to the process and once again.
4. Quality on the held-out test split (data/triage/test.jsonl, never trained or tuned on) and on
   the labelled sample that came with the labels (written by other people).

Targets (reported, not asserted): load < 2 s; >= 2,000 texts/s on one core; on unseen texts
grave recall >= 0.95 with precision >= 0.80, category accuracy >= 0.75, vulnerable micro-F1
>= 0.85, kind accuracy >= 0.90.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import ROOT, write_results

DATA = ROOT / "data"
SAMPLE = DATA / "triage" / "reference-sample.jsonl"
LABELLED = DATA / "triage"
TEXTS = 4000
BATCH = 256

_LOAD = """
import sys, time
started = time.perf_counter()
from insaf.runtime import tune_gc
tune_gc()
from pathlib import Path
from insaf.triage.model import TriageModel
model = TriageModel.load(Path(sys.argv[1]))
model.predict(["ضربوني في المركز"])
print(time.perf_counter() - started)
"""

_SPEED = """
import json, random, sys, time
from pathlib import Path
from insaf.runtime import tune_gc
tune_gc()
from insaf.triage.model import TriageModel, read_jsonl
from bench.intake import complaint_text
model = TriageModel.load(Path(sys.argv[1]))
batch = int(sys.argv[3])
if sys.argv[4] == "generated":
    rng = random.Random(11)
    texts = [complaint_text(rng) for _ in range(int(sys.argv[2]))]
    model.predict(texts[:50])  # warm the caches of the first words
    rounds = 1
else:
    folder = Path(sys.argv[4])
    texts = [i.text for name in ("test", "train") for i in read_jsonl(folder / f"{name}.jsonl")]
    model.predict(["ضربوني في المركز"])
    rounds = 2
seconds = []
for _ in range(rounds):
    started = time.perf_counter()
    for start in range(0, len(texts), batch):
        model.predict(texts[start : start + batch])
    seconds.append(time.perf_counter() - started)
chars = sum(map(len, texts)) / len(texts)
print(json.dumps({"seconds": seconds, "texts": len(texts), "chars": chars}))
"""


def _python(code: str, *args: str) -> str:
    # One core: the numerical libraries' thread pools are held to one thread.
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def main() -> None:
    from insaf.text.concepts import read_terms
    from insaf.triage.model import evaluate, read_jsonl, train

    items = read_jsonl(DATA / "triage" / "train.jsonl")
    terms = read_terms(DATA / "concepts")
    started = time.perf_counter()
    model = train(items, terms)
    training_s = time.perf_counter() - started
    lines: list[str] = []
    data: dict[str, object] = {"version": model.version, "trained_on": len(items)}
    with tempfile.TemporaryDirectory() as tmp:
        path = model.save(Path(tmp))
        loads = [float(_python(_LOAD, str(path))) for _ in range(5)]
        speed = json.loads(_python(_SPEED, str(path), str(TEXTS), str(BATCH), "generated"))
        labelled = json.loads(_python(_SPEED, str(path), "0", str(BATCH), str(LABELLED)))
        size_mb = path.stat().st_size / 1e6
    load_s = statistics.median(loads)
    rate = TEXTS / speed["seconds"][0]
    new_rate, seen_rate = (labelled["texts"] / s for s in labelled["seconds"])
    data.update(
        training_s=round(training_s, 1),
        model_mb=round(size_mb, 1),
        load_s=round(load_s, 2),
        texts_per_s=round(rate),
        mean_chars=round(speed["chars"]),
        labelled_texts=labelled["texts"],
        labelled_mean_chars=round(labelled["chars"]),
        labelled_new_texts_per_s=round(new_rate),
        labelled_again_texts_per_s=round(seen_rate),
    )
    lines.append(
        f"triage model {model.version}: trained on {len(items)} texts and {len(terms)} lexicon "
        f"terms in {training_s:.1f} s, file {size_mb:.1f} MB; load {load_s:.2f} s "
        f"[target < 2 s: {'met' if load_s < 2 else 'NOT met'}]; {rate:.0f} texts/s on one core "
        f"({TEXTS} generated complaints of {speed['chars']:.0f} characters on average, batches "
        f"of {BATCH}) [target >= 2000/s: {'met' if rate >= 2000 else 'NOT met'}]"
    )
    lines.append(
        f"triage on the {labelled['texts']} labelled texts ({labelled['chars']:.0f} characters "
        f"on average, a far larger vocabulary): {new_rate:.0f} texts/s with every word new to "
        f"the process, {seen_rate:.0f} texts/s again [target >= 2000/s: "
        f"{'met' if min(new_rate, seen_rate) >= 2000 else 'NOT met'}]"
    )
    sets = (("test split", DATA / "triage" / "test.jsonl"), ("reference sample", SAMPLE))
    for name, source in sets:
        if not source.exists():
            lines.append(f"triage {name}: {source.name} not found, skipped")
            continue
        truth = read_jsonl(source)
        result = evaluate(truth, model.predict([t.text for t in truth]))
        met = (
            result.grave["recall"] >= 0.95
            and result.grave["precision"] >= 0.80
            and result.category_accuracy >= 0.75
            and result.vulnerable_micro_f1 >= 0.85
            and result.kind_accuracy >= 0.90
        )
        lines.append(
            f"triage {name} ({result.items} texts): grave recall {result.grave['recall']:.3f} "
            f"precision {result.grave['precision']:.3f}; category accuracy "
            f"{result.category_accuracy:.3f}; vulnerable micro-F1 "
            f"{result.vulnerable_micro_f1:.3f}; kind accuracy {result.kind_accuracy:.3f} "
            f"[targets: {'met' if met else 'NOT met'}]"
        )
        data[name] = {
            "items": result.items,
            "grave": result.grave,
            "category_accuracy": result.category_accuracy,
            "vulnerable_micro_f1": result.vulnerable_micro_f1,
            "kind_accuracy": result.kind_accuracy,
        }
    for line in lines:
        print(line, flush=True)
    write_results("triage", lines, data)


if __name__ == "__main__":
    main()
