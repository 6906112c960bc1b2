"""An upload's rows parsed in a second process while this one stores them.

Why: parsing a row (values, dates, redaction of names and numbers in the open answers) costs about twice what
storing it does, and both ran one after the other on one core. With a second process parsing the next batches
while this one writes the current one, a large import takes about as long as parsing alone on a machine with two
cores or more. (A second thread was tried before and was slower: the two share one interpreter lock.)

The child is spawned, not forked, so that it is safe inside a threaded server, and it receives the row parser once.
Starting it costs about half a second, so small files stay in this process (``Settings.import_parallel_mb``).
Results come back in file order; an error in the child is raised here, where the upload is marked as failed.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import astuple
from pathlib import Path

from survey.rows import ParsedRow, RowParser, RowProblem

Chunk = list[tuple[int, list[str]]]
# Batches handed to the child ahead of the one being stored: enough to keep it busy, few enough to bound memory.
_AHEAD = 3
_parser: RowParser | None = None


def use_second_process(path: Path, threshold_mb: float) -> bool:
    """A file of at least ``threshold_mb`` on a machine with more than one core (a negative threshold: never)."""
    if threshold_mb < 0 or (os.cpu_count() or 1) < 2:
        return False
    return path.stat().st_size >= threshold_mb * 1024 * 1024


def parsed_batches(
    parser: RowParser, rows: Iterator[tuple[int, list[str]]], batch_size: int, *, parallel: bool
) -> Iterator[tuple[int, list[ParsedRow]]]:
    """(rows read, their parsed rows) per batch, in file order."""
    if not parallel:
        while chunk := list(itertools.islice(rows, batch_size)):
            yield len(chunk), [parser.parse(n, row) for n, row in chunk]
        return
    pool = ProcessPoolExecutor(
        1, mp_context=multiprocessing.get_context("spawn"), initializer=_start, initargs=(parser,)
    )
    try:
        pending: deque[tuple[int, Future[list[tuple]]]] = deque()
        while True:
            while len(pending) < _AHEAD and (chunk := list(itertools.islice(rows, batch_size))):
                pending.append((len(chunk), pool.submit(_parse_chunk, chunk)))
            if not pending:
                return
            read, future = pending.popleft()
            yield read, [_unpack(t) for t in future.result()]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _start(parser: RowParser) -> None:
    global _parser
    _parser = parser


def _parse_chunk(chunk: Chunk) -> list[tuple]:
    """In the child. Plain tuples travel back: they unpickle about four times faster than the dataclasses."""
    assert _parser is not None
    return [_pack(_parser.parse(n, row)) for n, row in chunk]


def _pack(p: ParsedRow) -> tuple:
    return (p.row, p.record, [astuple(x) for x in p.problems], p.ip, p.contact, p.legacy_key)


def _unpack(t: tuple) -> ParsedRow:
    row, record, problems, ip, contact, legacy = t
    return ParsedRow(row, record, [RowProblem(*x) for x in problems], ip, contact, legacy)
