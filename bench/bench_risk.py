"""Risk detection throughput: tagging 20,000 distinct answers with the needs tagger alone, and with risk detection
added (what every import, submission and retag now runs), in the same process, alternating, best of RUNS.

Each run tags a batch of its own (production tags each answer once), so that nothing computed for an earlier run
is found again.

Run: python bench/bench_risk.py   (writes bench/out/risk.json)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_tagging import distinct_texts
from bench.common import save

RUNS = 5
PER_RUN = 20_000


def main() -> None:
    from fuqing.config import Settings
    from nlp.redact import StoredRedacted, redact
    from nlp.risk_model import default_risk_detector
    from nlp.service import load_tagger

    # A new batch for every run, as every import brings new answers: the risk detector reuses the tagger's
    # normalisation of the same batch (nlp/normalize.py), never a batch seen in an earlier run.
    # They are tagged as stored answers are (survey/labels.predict): redacted once at import, before the clock.
    every = [StoredRedacted(redact(t).text) for t in distinct_texts(PER_RUN * (RUNS + 1))]
    with tempfile.TemporaryDirectory() as home:
        tagger = load_tagger(Settings(home=home))
        started = time.perf_counter()
        detector = default_risk_detector()
        train_s = time.perf_counter() - started
        warm = every[-PER_RUN:]
        tagger.tag(warm[:100])
        detector.assess(warm[:100])
        alone, both, risk_only = [], [], []
        for run in range(RUNS):
            texts = every[run * PER_RUN : (run + 1) * PER_RUN]
            t0 = time.perf_counter()
            tagger.tag(texts)
            t1 = time.perf_counter()
            found = detector.assess(texts)
            t2 = time.perf_counter()
            alone.append(len(texts) / (t1 - t0))
            risk_only.append(len(texts) / (t2 - t1))
            both.append(len(texts) / (t2 - t0))
    result = {
        "texts": len(texts),
        "tagging_alone_per_s": round(max(alone)),
        "risk_alone_per_s": round(max(risk_only)),
        "tagging_with_risk_per_s": round(max(both)),
        "ratio_with_risk_to_alone": round(max(both) / max(alone), 3),
        "flagged_share": round(sum(a.flagged for a in found) / len(found), 4),
        "detector_training_s": round(train_s, 2),
        "runs": RUNS,
    }
    save("risk", result)
    for k, v in result.items():
        print(f"{k:28s} {v}")


if __name__ == "__main__":
    main()
