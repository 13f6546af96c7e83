"""The read-ahead stream a seed reads objects through."""

from __future__ import annotations

import threading
import tracemalloc

from archive.storage.streams import open_text

CHUNK = 1 << 20


def _chunks(count: int, fetched: threading.Event):
    for n in range(count):
        yield (f"{n},dòng\r\n" * (CHUNK // 10)).encode()[:CHUNK]
    fetched.set()  # asked for more: every chunk is in the stream's queue by now


def _held_after(read) -> int:
    """Bytes still allocated by the stream once ``read`` is done with it (stream kept)."""
    tracemalloc.start()
    try:
        fetched = threading.Event()
        stream = open_text(_chunks(6, fetched))
        read(stream)
        assert fetched.wait(5)
        stream.close()
        held, _peak = tracemalloc.get_traced_memory()
        assert stream.closed
        return held
    finally:
        tracemalloc.stop()


def test_a_stream_read_to_its_end_lets_go_of_its_chunks():
    """A seed keeps every file it read (its error lines are placed later): the stream must
    not hold the last chunk, nor a text buffer's worth, once read (72 files kept 40 MB)."""
    held = _held_after(lambda stream: sum(1 for _line in stream))
    assert held < CHUNK // 2, f"{held:,} bytes held by a stream read to its end"


def test_a_stream_closed_early_lets_go_of_what_it_fetched_ahead():
    held = _held_after(lambda stream: stream.readline())
    assert held < 2 * CHUNK, f"{held:,} bytes held by a stream closed after one line"
