"""Smoke evaluations: every suite on a small slice of the bundled data, with the real model and corpus, and
LLMs faked with langchain-core fake chat models. Full suites run from the CLI (`fuqing eval all`)."""

import json
import re
from pathlib import Path

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from evals.common import bundled
from evals.runs import list_runs, load_run, save_run, sha256_file
from evals.suites.classify import run_classify
from evals.suites.drafting import in_relevant, run_drafting
from evals.suites.fairness import run_fairness
from evals.suites.retrieval import run_retrieval
from evals.suites.robustness import run_robustness
from evals.suites.segmentation import run_segmentation
from findings.drafting import LLMDrafter
from fuqing.actors import Actor
from fuqing.config import Settings
from nlp.labelled import read_labelled
from nlp.llm_tagger import LLMTagger
from tests.conftest import TEST_VAULT, install_model

SYSTEM = Actor.system()


def _home_with_model(model_template: Path, tmp_path: Path) -> Settings:
    settings = Settings(home=tmp_path / "home")
    install_model(model_template, settings.resolved_home)
    return settings


def _add_reviews(settings: Settings, rows) -> None:  # type: ignore[no-untyped-def]
    """Three reviewed responses with human labels in the home's database."""
    from fuqing.db import open_database
    from survey.responses import submit_response
    from survey.review import review
    from survey.surveys import create_survey

    db = open_database(settings)
    with db.session(write=True) as s:
        sid = create_survey(s, "复核", actor=SYSTEM).id
        for r in rows:
            resp, _ = submit_response(s, sid, {"text": r.text, "source_id": r.id}, SYSTEM, TEST_VAULT)
            review(s, resp.id, r.labels, SYSTEM)
    db.dispose()


def test_classify_suite_writes_a_complete_run(model_template, tmp_path: Path):
    settings = _home_with_model(model_template, tmp_path)
    dev = bundled("needs_dev.jsonl")
    rows = read_labelled(dev)[:20]
    _add_reviews(settings, read_labelled(dev)[100:103])
    reply = {"items": [{"index": i, "groups": r.groups, "needs": r.needs} for i, r in enumerate(rows)]}
    llm = LLMTagger(FakeListChatModel(responses=[json.dumps(reply, ensure_ascii=False)]))

    result = run_classify(settings, folds=2, limit=20, resamples=200, llm_tagger=llm)
    m = result.metrics
    assert m["model_source"] == "installed" and m["n"] == 20
    assert m["systems"]["llm"]["all"]["micro_f1"] == 1.0  # the fake answers the gold labels
    assert m["systems"]["model"]["all"]["micro_f1"] > m["systems"]["keywords"]["all"]["micro_f1"]
    assert 0 <= m["calibration"]["ece"] <= 1 and m["calibration"]["table"]
    assert m["kappa_vs_human_reviews"]["n"] == 3
    assert len(m["cv"]["per_fold"]) == 2 and m["cv"]["n"] == 20
    lo, hi = m["headline"]["model.micro_f1"]["ci"]
    assert lo <= m["headline"]["model.micro_f1"]["value"] <= hi

    run_id = save_run(settings, result)
    path = settings.evals_dir / run_id
    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    assert config["datasets"]["test"]["sha256"] == sha256_file(dev)
    assert "git_commit" in config and config["options"]["folds"] == 2
    preds = [json.loads(x) for x in (path / "predictions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(preds) == 20 and set(preds[0]) >= {"id", "gold", "model", "keywords", "llm", "proba"}
    html = (path / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 4
    assert not re.search(r"(src|href)=['\"]https?:", html)
    md = (path / "report.md").read_text(encoding="utf-8")
    for png in re.findall(r"\]\(([\w]+\.png)\)", md):
        assert (path / png).stat().st_size > 1000
    assert [r.run_id for r in list_runs(settings)] == [run_id]
    assert load_run(settings, run_id)["metrics"]["headline"] == m["headline"]


def test_fairness_and_robustness_smoke(model_template, tmp_path: Path):
    settings = _home_with_model(model_template, tmp_path)
    fair = run_fairness(settings, limit=60, min_group=3, resamples=100)
    dims = {g["dimension"] for g in fair.metrics["groups"]}
    assert dims == {"county", "age_band", "marital_status", "length"}
    assert sum(g["n"] for g in fair.metrics["groups"] if g["dimension"] == "length") == 60
    rob = run_robustness(settings, limit=15, resamples=100)
    p = rob.metrics["perturbations"]
    assert p["phone"]["redaction_rate"]["value"] == 1.0 and p["id_number"]["redaction_rate"]["value"] == 1.0
    assert p["instruction"]["flagged_rate"]["value"] == 1.0
    assert p["traditional"]["stability"]["value"] >= 0.9
    assert len(rob.predictions) == 15 * 8


def test_retrieval_suite_side_by_side(corpus, tmp_path: Path):
    gold = tmp_path / "gold.jsonl"
    rows = [
        {"query": "畅通联系妇女群众渠道", "relevant": ["anhui-ponan-2022#12"]},
        {"query": "人身安全保护令", "relevant": ["反家庭暴力法#23"]},
        {"query": "量子计算机的散热设计", "relevant": ["anhui-ponan-2022#6"]},
    ]
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    res = run_retrieval(Settings(home=tmp_path / "h"), gold=[gold], corpus=corpus, resamples=100)
    block = res.metrics["sets"]["gold"]
    assert set(block) == {"bm25", "dense", "hybrid"}
    for m in block.values():
        curve = m["recall_curve"]
        assert curve == sorted(curve) and len(curve) == 10
        assert any(x["query"] == "量子计算机的散热设计" for x in m["misses"])
    assert block["hybrid"]["recall@1"]["value"] >= 0.33
    assert len(res.predictions) == 9 and "recall_at_k_gold" in res.plots


def test_drafting_suite_catches_an_ungrounded_llm_draft(corpus, tmp_path: Path):
    scenarios = tmp_path / "scenarios.jsonl"
    scenarios.write_text(
        '{"id": "all", "filters": {}}\n{"id": "lb", "filters": {"group": "left_behind"}}\n', encoding="utf-8"
    )
    bad = {
        "items": [
            {
                "kind": "finding",
                "theme": "employment",
                "text": "有999人需要就业帮助。",
                "stats": [{"stat": "respondents", "value": 999}],
                "citations": ["no-such-law#1", "anhui-ponan-2022#1"],
            }
        ]
    }
    llm = LLMDrafter(FakeListChatModel(responses=[json.dumps(bad, ensure_ascii=False)] * 2))
    res = run_drafting(
        Settings(home=tmp_path / "h"),
        scenarios=scenarios,
        limit=80,
        resamples=100,
        llm_drafter=llm,
        corpus=corpus,
    )
    d = res.metrics["drafters"]
    assert d["offline"]["citations_resolve"]["value"] == 1.0
    assert d["offline"]["numbers_match"]["value"] == 1.0 and d["offline"]["numbers_match"]["n"] > 0
    assert d["offline"]["top_needs_covered"]["value"] > 0
    assert d["llm"]["citations_resolve"]["value"] == 0.5
    assert d["llm"]["numbers_match"]["value"] == 0.0
    assert d["llm"]["citations_relevant"]["value"] == 0.0
    assert d["llm"]["verified"]["value"] == 0.0 and d["llm"]["top_needs_covered"]["value"] == 0.0
    assert in_relevant("women-rights-law-2022#45", ["women-rights-law-2022#41-52"])
    assert not in_relevant("women-rights-law-2022#53", ["women-rights-law-2022#41-52"])


def test_segmentation_suite_on_external_files(tmp_path: Path):
    texts = tmp_path / "texts.txt"
    texts.write_text("俺家吃低保，想参加两癌筛查\n妇女微家有活动就好了\n", encoding="utf-8")
    terms = tmp_path / "terms.txt"
    terms.write_text("两癌筛查\n妇女微家\n", encoding="utf-8")
    res = run_segmentation(Settings(home=tmp_path / "h"), texts_file=texts, terms_file=terms, resamples=50)
    m = res.metrics
    assert m["n_texts"] == 2 and m["n_terms"] == 2
    assert m["terms_kept_whole"]["fast"]["value"] == 1.0
    assert m["token_agreement"]["value"] == 1.0 and m["texts_per_s"]["fast"] > 0
