"""Building the tagger the rest of the system uses, from settings."""

from __future__ import annotations

from fuqing.config import Settings
from nlp.model_store import current_model
from nlp.tagger import ModelTagger, Tagger


def load_tagger(settings: Settings) -> Tagger:
    """The model tagger (trained from the bundled data on first use when no model exists)."""
    trained = current_model(settings)
    return ModelTagger(trained.model, trained.version)


def load_llm_tagger(settings: Settings) -> Tagger | None:
    if not settings.llm_tagging:
        return None
    from nlp.llm import make_chat_model
    from nlp.llm_tagger import LLMTagger

    chat = make_chat_model(settings)
    return LLMTagger(chat) if chat is not None else None
