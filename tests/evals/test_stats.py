import numpy as np

from evals.stats import (
    bootstrap_metric,
    cohen_kappa,
    multilabel_report,
    paired_delta,
    reliability,
    resample_weights,
)


def test_multilabel_report_matches_hand_computed_figures():
    # label a: tp=2 fp=1 fn=0 -> F1 0.8; label b: tp=1 fp=0 fn=1 -> F1 0.6667
    Y = np.array([[1, 0], [1, 1], [0, 1], [0, 0]])
    P = np.array([[1, 0], [1, 1], [1, 0], [0, 0]])
    rep = multilabel_report(Y, P, ["a", "b"], {"fam": [0, 1]}, resamples=300)
    assert rep["fam"]["per_label"]["a"]["f1"] == 0.8
    assert rep["fam"]["per_label"]["b"]["f1"] == 0.6667
    assert rep["fam"]["macro_f1"] == round((0.8 + 2 / 3) / 2, 4)
    assert rep["all"]["micro_f1"] == round(2 * 3 / (2 * 3 + 1 + 1), 4)
    assert rep["all"]["exact_match"] == 0.75
    lo, hi = rep["all"]["micro_f1_ci"]
    assert lo <= rep["all"]["micro_f1"] <= hi and hi - lo > 0


def test_intervals_narrow_with_more_data():
    rng = np.random.default_rng(0)
    small = bootstrap_metric(rng.random(30) < 0.7)
    large = bootstrap_metric(rng.random(3000) < 0.7)
    assert (large["ci"][1] - large["ci"][0]) < (small["ci"][1] - small["ci"][0]) / 5
    assert large["ci"][0] < 0.7 < large["ci"][1]


def test_paired_delta_separates_a_real_change_from_none():
    rng = np.random.default_rng(1)
    a = (rng.random(400) < 0.6).astype(float)
    b = a.copy()
    flip = np.flatnonzero(a == 0)[:60]  # B fixes 60 of A's failures
    b[flip] = 1.0
    diff = b - a
    res = paired_delta(lambda W: W @ diff / diff.size, diff.size)
    assert res["exceeds_noise"] and res["delta"] == 0.15 and res["ci"][0] > 0
    same = paired_delta(lambda W: W @ np.zeros(400) / 400, 400)
    assert not same["exceeds_noise"] and same["delta"] == 0


def test_reliability_of_calibrated_and_overconfident_scores():
    rng = np.random.default_rng(2)
    p = rng.random(20000)
    y = (rng.random(20000) < p).astype(int)
    ece, table = reliability(y, p)
    assert ece < 0.02 and len(table) == 10
    ece_bad, _ = reliability(y, np.where(p > 0.5, 0.99, 0.01))
    assert ece_bad > 0.2


def test_kappa_and_weights():
    assert cohen_kappa([1, 0, 1, 0], [1, 0, 1, 0]) == 1.0
    assert cohen_kappa([1, 1, 0, 0], [0, 0, 1, 1]) == -1.0
    assert cohen_kappa([], []) is None
    W = resample_weights(50, 20)
    assert W.shape == (20, 50) and set(W.sum(axis=1)) == {50.0}
