"""The evaluation suites, by name; ``run_all`` runs each on the bundled data and saves one run per suite."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from evals.results import SuiteResult
from evals.runs import save_run
from evals.suite import Suite
from fuqing.config import Settings

SUITES = ("classify", "fairness", "robustness", "retrieval", "drafting", "segmentation", "redaction", "risk")


def suite_class(name: str) -> type[Suite[Any, Any]]:
    """The suite's class (imported on demand: each pulls in different heavy parts)."""
    if name == "classify":
        from evals.suites.classify import ClassifySuite

        return ClassifySuite
    if name == "fairness":
        from evals.suites.fairness import FairnessSuite

        return FairnessSuite
    if name == "robustness":
        from evals.suites.robustness import RobustnessSuite

        return RobustnessSuite
    if name == "retrieval":
        from evals.suites.retrieval import RetrievalSuite

        return RetrievalSuite
    if name == "drafting":
        from evals.suites.drafting import DraftingSuite

        return DraftingSuite
    if name == "segmentation":
        from evals.suites.segmentation import SegmentationSuite

        return SegmentationSuite
    if name == "redaction":
        from evals.suites.redaction import RedactionSuite

        return RedactionSuite
    if name == "risk":
        from evals.suites.risk import RiskSuite

        return RiskSuite
    raise KeyError(name)


def runner(name: str) -> Callable[..., SuiteResult]:
    """The suite as a function ``(settings, **options) -> SuiteResult``, like run_classify and the others."""
    cls = suite_class(name)

    def run(settings: Settings, **options: Any) -> SuiteResult:
        return cls(**options).run(settings)

    return run


def configured_llm(settings: Settings) -> tuple[Any, Any]:
    """The LLM tagger and drafter when FUQING_LLM_* configure a model, else (None, None)."""
    from nlp.llm import make_chat_model

    chat = make_chat_model(settings)
    if chat is None:
        return None, None
    from findings.drafting import LLMDrafter
    from nlp.llm_tagger import LLMTagger

    return LLMTagger(chat), LLMDrafter(chat, settings.llm_timeout_s)


def run_all(
    settings: Settings,
    *,
    limit: int | None = None,
    folds: int = 5,
    resamples: int = 1000,
    use_llm: bool = True,
    progress: Callable[[str, str, float], None] | None = None,
) -> list[str]:
    """Every suite on the bundled data; returns the run ids. The corpus is opened once and shared."""
    from corpus.service import Corpus

    tagger, drafter = configured_llm(settings) if use_llm else (None, None)
    corpus = Corpus.open(settings)
    options: dict[str, dict[str, Any]] = {
        "classify": {"folds": folds, "llm_tagger": tagger},
        "retrieval": {"corpus": corpus},
        "drafting": {"corpus": corpus, "llm_drafter": drafter},
    }
    ids = []
    for name in SUITES:
        result = runner(name)(settings, limit=limit, resamples=resamples, **options.get(name, {}))
        run_id = save_run(settings, result)
        ids.append(run_id)
        if progress:
            progress(name, run_id, result.seconds)
    return ids
