"""The optional LLM, through langchain-core chat models: any OpenAI-compatible endpoint (DeepSeek, Qwen, vLLM,
llama.cpp server, Ollama) configured by FUQING_LLM_BASE_URL / FUQING_LLM_MODEL / FUQING_LLM_API_KEY.
Off unless configured; nothing here is needed for the offline default."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from fuqing.config import Settings


def make_chat_model(settings: Settings) -> Any | None:
    if not (settings.llm_base_url and settings.llm_model):
        return None
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key or "not-needed",
        timeout=settings.llm_timeout_s,
        max_retries=0,
        temperature=0,
    )


def model_name(chat: Any) -> str:
    for attr in ("model_name", "model"):
        value = getattr(chat, attr, None)
        if isinstance(value, str) and value:
            return value
    return type(chat).__name__


def prompt_hash(*parts: str) -> str:
    return hashlib.sha256("\n\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def parse_json_reply(text: str) -> Any:
    """The first JSON object or array in a reply (models wrap JSON in prose or ``` fences)."""
    text = text.strip()
    fenced = re.search(r"```(?:json)?\s*(.*?)```", text, re.S)
    if fenced:
        text = fenced.group(1).strip()
    for opener, closer in (("{", "}"), ("[", "]")):
        start, end = text.find(opener), text.rfind(closer)
        if start != -1 and end > start:
            try:
                return json.loads(text[start : end + 1])
            except json.JSONDecodeError:
                continue
    raise ValueError("no JSON in the model's reply")


def reply_text(message: Any) -> str:
    content = getattr(message, "content", message)
    if isinstance(content, list):
        return "".join(c.get("text", "") if isinstance(c, dict) else str(c) for c in content)
    return str(content)
