"""Report plots as PNG bytes (matplotlib, Agg backend: no display, no network, no fonts from outside).

Axes use label ids and ASCII names so that the plots render with matplotlib's bundled font on any machine.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return buf.getvalue()


def ascii_names(names: Sequence[str]) -> list[str]:
    """Names as drawn: a name with characters the bundled font lacks becomes g1, g2, … (the table order)."""
    return [n if n.isascii() else f"g{i + 1}" for i, n in enumerate(names)]


def grouped_bars(
    categories: Sequence[str],
    series: dict[str, Sequence[float]],
    *,
    errors: dict[str, Sequence[Sequence[float]]] | None = None,
    title: str,
    ylabel: str,
    ylim: tuple[float, float] = (0.0, 1.0),
) -> bytes:
    """Bars per category, one colour per series (model vs. baseline); ``errors`` holds [lo, hi] per bar."""
    categories = ascii_names(categories)
    fig, ax = plt.subplots(figsize=(min(11.0, max(6.0, 0.45 * len(categories) * max(1, len(series)))), 4.0))
    width = 0.8 / max(1, len(series))
    x = np.arange(len(categories))
    for i, (name, values) in enumerate(series.items()):
        vals = np.asarray(values, dtype=float)
        yerr = None
        if errors and name in errors:
            ci = np.asarray(errors[name], dtype=float)
            yerr = np.vstack([np.clip(vals - ci[:, 0], 0, None), np.clip(ci[:, 1] - vals, 0, None)])
        ax.bar(x + (i - (len(series) - 1) / 2) * width, vals, width, yerr=yerr, capsize=2, label=name)
    ax.set_xticks(x)
    ax.set_xticklabels(categories, rotation=45, ha="right", fontsize=8)
    ax.set_ylim(*ylim)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(axis="y", alpha=0.3)
    if len(series) > 1:
        ax.legend(fontsize=8)
    return _png(fig)


def heatmap(matrix: np.ndarray, rows: Sequence[str], cols: Sequence[str], *, title: str) -> bytes:
    """A labelled heatmap with the value in every cell (co-occurrence / confusion)."""
    m = np.asarray(matrix, dtype=float)
    fig, ax = plt.subplots(figsize=(1.0 + 0.55 * len(cols), 1.0 + 0.45 * len(rows)))
    im = ax.imshow(m, cmap="Blues", vmin=0, vmax=max(1.0, float(np.nanmax(m)) if m.size else 1.0))
    ax.set_xticks(range(len(cols)))
    ax.set_xticklabels(cols, rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(rows, fontsize=7)
    top = float(np.nanmax(m)) if m.size else 1.0
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            if m[i, j]:
                ax.text(
                    j,
                    i,
                    f"{m[i, j]:.2f}" if m[i, j] < 1 else f"{m[i, j]:.0f}",
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="white" if m[i, j] > 0.6 * top else "black",
                )
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(title)
    fig.colorbar(im, ax=ax, fraction=0.03)
    return _png(fig)


def reliability_plot(tables: dict[str, list[dict[str, Any]]], *, title: str) -> bytes:
    """Mean predicted probability vs. observed rate per bin; the diagonal is perfect calibration."""
    fig, ax = plt.subplots(figsize=(4.8, 4.5))
    ax.plot([0, 1], [0, 1], "k--", lw=1, label="perfect")
    for name, table in tables.items():
        ax.plot([r["confidence"] for r in table], [r["observed"] for r in table], "o-", ms=4, label=name)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("predicted probability")
    ax.set_ylabel("observed frequency")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return _png(fig)


def curves(
    xs: Sequence[int], series: dict[str, Sequence[float]], *, title: str, xlabel: str, ylabel: str
) -> bytes:
    """Line per series over the same x (recall@k for k = 1..10 per retrieval method)."""
    fig, ax = plt.subplots(figsize=(5.5, 4.0))
    for name, ys in series.items():
        ax.plot(list(xs), list(ys), "o-", ms=3, label=name)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return _png(fig)
