"""Read, validate and index an inventory in chunks, optionally in a second process.

Reading the sheet (calamine), validating rows and segmenting search text are pure CPU work that
needs no database; writing needs the database. On a 2-core machine a forked reader process does
the first while the importing process writes the previous chunk, so the two overlap. The reader
never touches the database (it inherits the parent's connection object and must leave it alone:
it ends with os._exit, so no finaliser ever closes the shared socket) and sends pickled
ParsedChunks down a pipe, whose small buffer keeps at most a chunk or two in flight.

Duplicate numbers within the file are detected here, in file order, over every row (committed
chunks of a resumed job included), so the result does not depend on where a job resumed.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import os
import pickle
import signal
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from queue import Full, Queue
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils import translation

from patents.importing.files import Spreadsheet, open_spreadsheet
from patents.importing.rows import RowParser, render_errors
from patents.importing.rules import RuleErrors, rule_row_errors

# (row number, column header as in the file, value, code, params, message)
RenderedError = tuple[int, str, str, str, dict[str, Any], str]


@dataclass
class ParsedChunk:
    position: int  # rows of the file before this chunk
    size: int  # rows in this chunk, blank ones included (progress counts them)
    valid: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)  # no → row, values
    search_texts: dict[str, str] = field(default_factory=dict)  # no → search text if new
    errors: list[RenderedError] = field(default_factory=list)
    prepared: Any = None  # rows believed new, from ReadSpec.prepare (upsert.PreparedRecords)


@dataclass(frozen=True)
class ReadSpec:
    """What the reader needs, all picklable and none of it from the database."""

    open_file: Callable[[], Any]  # → a binary file object of the upload
    name: str
    size: int
    language: str
    departments: dict[str, int]
    industries: frozenset[str]
    chunk_rows: int
    skip_rows: int  # rows committed by an earlier attempt: validated for duplicates only
    search_text: Callable[[dict[str, Any]], str]
    today: datetime.date  # ImportContext.today: the reader reads no clock
    sha256: str = ""  # of the upload as it passed the checks (ImportJob.sha256)
    formula_free: bool = False  # ImportJob.formula_free
    # Valid rows whose number is not in `held` (the institution's numbers when the job started)
    # go to `prepare` instead of `ParsedChunk.valid`, a chunk at a time: their COPY text is
    # written here, in the reader, rather than their values pickled for the writer to format.
    prepare: Callable[[dict[str, tuple[int, dict[str, Any]]]], Any] | None = None
    held: frozenset[str] = frozenset()
    # The record rules for those rows (upsert.new_record_errors), which bypass the writer's
    # check: (number, values) → rules.RuleErrors.
    check_new: Callable[[str, dict[str, Any]], RuleErrors] | None = None


class FileRejected(Exception):
    """The stored file no longer passes the upload checks (settings changed)."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(" ".join(messages))
        self.messages = messages


# Young-generation threshold while importing (CPython's default is 700 allocations).
BULK_GC_THRESHOLD = 50_000


@contextlib.contextmanager
def bulk_gc() -> Iterator[None]:
    """Keep the cyclic garbage collector from rescanning the whole process during an import.

    An import allocates millions of short-lived containers (a dict per row, tuples per word), so
    the collector runs thousands of times, and each full collection walks every long-lived
    object: Django's, jieba's dictionary of 350,000 words, the word caches. Measured on 100,000
    rows: about 3.5 s of collection in each of the two processes. Objects that exist when the
    import starts are frozen (never scanned until thawed) and young objects are collected less
    often; reference counting still frees everything without cycles at once, and the few cycles
    an import makes are collected all the same, only later."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(BULK_GC_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _blank(cells: Sequence[object]) -> bool:
    """Every cell empty or spaces (a number or date is never blank). Runs for every row: a loop
    that stops at the first filled cell, usually the first."""
    for cell in cells:
        if cell is not None and (not isinstance(cell, str) or cell.strip()):
            return False
    return True


def read(spec: ReadSpec) -> tuple[dict[str, str], Iterator[ParsedChunk]]:
    """(headers by column key, the chunks still to write), in this process."""
    with translation.override(spec.language):
        try:
            with spec.open_file() as stored:
                sheet = open_spreadsheet(
                    stored,
                    name=spec.name,
                    size=spec.size,
                    verified_sha256=spec.sha256,
                    formula_free=spec.formula_free,
                )
        except ValidationError as exc:
            raise FileRejected(exc.messages) from None
    headers = {key: sheet.header_for(key) for key in sheet.positions}
    return headers, _chunks(spec, sheet, headers)


def _chunks(spec: ReadSpec, sheet: Spreadsheet, headers: dict[str, str]) -> Iterator[ParsedChunk]:
    parser = RowParser(
        positions=sheet.positions,
        departments=spec.departments,
        industries=spec.industries,
        today=spec.today,
        formula_cells=sheet.formula_cells,
    )
    seen: dict[str, int] = {}  # application number → first row that had it
    rows = sheet.rows()
    position = 0
    while block := list(islice(rows, spec.chunk_rows)):
        committed = position + len(block) <= spec.skip_rows
        with translation.override(spec.language):
            chunk = _parse_block(spec, parser, headers, block, seen, position, committed)
        position += len(block)
        if not committed:
            yield chunk


def _parse_block(
    spec: ReadSpec,
    parser: RowParser,
    headers: dict[str, str],
    block: list[tuple[int, Sequence[object]]],
    seen: dict[str, int],
    position: int,
    committed: bool,
) -> ParsedChunk:
    chunk = ParsedChunk(position=position, size=len(block))
    fresh: dict[str, tuple[int, dict[str, Any]]] = {}
    for row_number, cells in block:
        if _blank(cells):
            continue
        parsed = parser.parse(row_number, cells)
        number = parsed.application_no
        if number and number in seen:
            parsed.errors.append(
                (
                    "application_no",
                    number,
                    "duplicate",
                    {"value": number, "first_row": seen[number]},
                )
            )
        elif number:
            seen[number] = row_number
        if committed:
            continue  # only the numbers matter: this chunk was written by an earlier attempt
        if parsed.errors:
            chunk.errors.extend(render_errors(parsed, headers))
        elif spec.prepare is not None and number not in spec.held:
            rules = spec.check_new(number, parsed.values) if spec.check_new else {}
            if rules:
                chunk.errors.extend(rule_row_errors(row_number, rules, headers, parsed.values))
            else:
                fresh[number] = (row_number, parsed.values)
        else:
            chunk.valid[number] = (row_number, parsed.values)
            chunk.search_texts[number] = spec.search_text(parsed.values)
    if fresh and spec.prepare is not None:
        chunk.prepared = spec.prepare(fresh)
    return chunk


@contextlib.contextmanager
def forked(spec: ReadSpec) -> Iterator[tuple[dict[str, str], Iterator[ParsedChunk]]]:
    """Like `read`, with the reading done by a child process; the child is reaped on exit."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; coverage does not follow forks
        os.close(read_fd)
        _child(spec, write_fd)
    os.close(write_fd)
    source = os.fdopen(read_fd, "rb")
    try:
        kind, payload = pickle.load(source)
        if kind == "rejected":
            raise FileRejected(payload)
        if kind == "error":
            raise RuntimeError(f"the inventory reader failed:\n{payload}")
        yield payload, _received(source)
    finally:
        source.close()
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)  # a no-op once it has finished; stops it if we bail out
        os.waitpid(pid, 0)


def _received(source: IO[bytes]) -> Iterator[ParsedChunk]:
    while True:
        kind, payload = pickle.load(source)
        if kind == "end":
            return
        if kind == "error":
            raise RuntimeError(f"the inventory reader failed:\n{payload}")
        yield payload


def _child(spec: ReadSpec, write_fd: int) -> None:  # pragma: no cover - runs in the child
    code = 0
    try:
        with os.fdopen(write_fd, "wb") as sink:

            def send(kind: str, payload: Any) -> None:
                pickle.dump((kind, payload), sink, protocol=pickle.HIGHEST_PROTOCOL)
                sink.flush()

            try:
                headers, chunks = read(spec)
                send("sheet", headers)
                for chunk in chunks:
                    send("chunk", chunk)
                send("end", None)
            except FileRejected as exc:
                send("rejected", exc.messages)
            except BrokenPipeError:
                raise
            except BaseException:
                send("error", traceback.format_exc())
    except BaseException:
        code = 1
    finally:
        os._exit(code)  # never return into the parent's code; never run its finalisers


def prefetch(chunks: Iterator[ParsedChunk], depth: int = 2) -> Iterator[ParsedChunk]:
    """`chunks`, received by a thread, up to `depth` ahead of the caller.

    The pipe holds less than a chunk: without a thread emptying it, the reader would stop at
    every chunk the writer is busy with. psycopg2 releases the GIL while it waits for
    PostgreSQL, so the thread's unpickling fits into the database time."""
    queue: Queue[tuple[str, Any]] = Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.1)
                return True
            except Full:
                continue
        return False

    def work() -> None:
        try:
            for chunk in chunks:
                if not put(("chunk", chunk)):
                    return
            put(("end", None))
        except BaseException as exc:  # handed to the caller's thread, raised there
            put(("error", exc))

    thread = threading.Thread(target=work, name="inventory-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            kind, payload = queue.get()
            if kind == "end":
                return
            if kind == "error":
                raise payload
            yield payload
    finally:
        # The thread is at most one chunk's read away from seeing this (the reader process
        # keeps writing until it ends or the pipe is full), and must be gone before the
        # caller closes the pipe under it.
        stop.set()
        thread.join(timeout=60)
