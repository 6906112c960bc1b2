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
import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import astuple
from pathlib import Path

from survey.rows import ParsedRow, RowParser, RowProblem

Chunk = list[tuple[int, list[str]]]
# Batches handed to the child ahead of the one being stored: enough to keep it busy, few enough to bound memory.
_AHEAD = 3
CHILD_NICENESS = 10
_parser: RowParser | None = None
log = logging.getLogger(__name__)


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
            yield len(chunk), _parse_here(parser, chunk)
        return
    pool = ProcessPoolExecutor(
        1, mp_context=multiprocessing.get_context("spawn"), initializer=_start, initargs=(parser,)
    )
    broken = False
    try:
        pending: deque[tuple[Chunk, Future[list[tuple]] | None]] = deque()
        while True:
            while len(pending) < _AHEAD and (chunk := list(itertools.islice(rows, batch_size))):
                pending.append((chunk, None if broken else _submit(pool, chunk)))
            if not pending:
                return
            chunk, future = pending.popleft()
            parsed = _collect(future)
            if parsed is None:  # no child, or it died: this batch and the rest in this process
                if not broken:
                    log.warning("导入：第二个解析进程已退出，其余各批在本进程中解析。")
                broken = True
                parsed = _parse_here(parser, chunk)
            yield len(chunk), parsed
    finally:
        # A pool whose child died is not waited for: its manager may never finish (a child killed mid-transfer).
        pool.shutdown(wait=not broken, cancel_futures=True)


def _parse_here(parser: RowParser, chunk: Chunk) -> list[ParsedRow]:
    return [parser.parse(n, row) for n, row in chunk]


def _submit(pool: ProcessPoolExecutor, chunk: Chunk) -> Future[list[tuple]] | None:
    try:
        return pool.submit(_parse_chunk, chunk)
    except BrokenProcessPool:
        return None


def _collect(future: Future[list[tuple]] | None) -> list[ParsedRow] | None:
    """The child's rows for one batch, or None when the child is gone (killed, out of memory, or it could not
    start: a script that calls the import without an ``if __name__ == "__main__":`` guard is re-run by it)."""
    if future is None:
        return None
    try:
        return [_unpack(t) for t in future.result()]
    except BrokenProcessPool:
        return None


def _start(parser: RowParser) -> None:
    """In the child: the parser, and a lower scheduling priority, so that on a busy machine the service's own
    requests get the processor before background parsing does."""
    global _parser
    _parser = parser
    if hasattr(os, "nice"):
        os.nice(CHILD_NICENESS)


def _parse_chunk(chunk: Chunk) -> list[tuple]:
    """In the child. Plain tuples travel back: they unpickle about four times faster than the dataclasses."""
    assert _parser is not None
    return [_pack(_parser.parse(n, row)) for n, row in chunk]


def _pack(p: ParsedRow) -> tuple:
    return (p.row, p.record, [astuple(x) for x in p.problems], p.ip, p.contact, p.legacy_key)


def _unpack(t: tuple) -> ParsedRow:
    row, record, problems, ip, contact, legacy = t
    return ParsedRow(row, record, [RowProblem(*x) for x in problems], ip, contact, legacy)
