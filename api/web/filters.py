"""Reading summary filters from a page's query string, and writing them back into one."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from findings.summaries import Filters


def filters_from(params: Any) -> Filters:
    """Filters from query parameters; empty fields mean "all"."""
    return Filters.parse(params)


def query_of(f: Filters) -> str:
    return urlencode(f.to_dict())
