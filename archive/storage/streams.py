"""Streaming bytes out of the archive storage, downloading ahead of the parser.

An S3 object is read through its streaming body (never the whole object in memory, and
never S3File, which buffers the object); a local file through ``Storage.open``. A small
thread fetches the next chunks while the caller parses, so download and parsing overlap.
"""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import Callable, Iterator
from typing import BinaryIO

from botocore.exceptions import ClientError
from django.core.files.storage import Storage
from storages.utils import clean_name

CHUNK_BYTES = 1 << 20
AHEAD_CHUNKS = 8  # at most 8 MB downloaded ahead of the parser
_END = object()

ByteCounter = Callable[[int], None]


def storage_chunks(storage: Storage, key: str) -> tuple[Iterator[bytes], int | None]:
    """The object at ``key`` as an iterator of byte chunks, and its size.

    On S3 this is one GET whose body streams (S3File would HEAD first, then buffer). A
    missing object raises FileNotFoundError on either storage, as ``Storage.open`` does.
    """
    bucket = getattr(storage, "bucket", None)
    if bucket is not None:
        try:
            response = bucket.Object(storage._normalize_name(clean_name(key))).get()
        except ClientError as err:
            if err.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
                raise FileNotFoundError(f"File does not exist: {key}") from err
            raise
        body = response["Body"]
        return _closing(body.iter_chunks(CHUNK_BYTES), body), response["ContentLength"]
    handle = storage.open(key, "rb")
    return _closing(iter(lambda: handle.read(CHUNK_BYTES), b""), handle), handle.size


def file_chunks(handle: BinaryIO) -> Iterator[bytes]:
    """Chunks of an already open binary file (a ZIP member, a temporary file)."""
    return iter(lambda: handle.read(CHUNK_BYTES), b"")


def _closing(chunks: Iterator[bytes], handle) -> Iterator[bytes]:
    try:
        yield from chunks
    finally:
        handle.close()


class ReadAhead(io.RawIOBase):
    """A readable raw stream over byte chunks that a background thread fetches ahead.

    Socket reads release the GIL, so the next megabytes arrive while the caller parses.
    ``on_bytes`` is called in the reading thread with the size of each chunk consumed.
    """

    def __init__(self, chunks: Iterator[bytes], on_bytes: ByteCounter | None = None):
        super().__init__()
        self._queue: queue.Queue = queue.Queue(maxsize=AHEAD_CHUNKS)
        self._stop = threading.Event()
        self._pending = memoryview(b"")
        self._on_bytes = on_bytes
        self._thread = threading.Thread(target=self._fetch, args=(chunks,), daemon=True)
        self._thread.start()

    def _fetch(self, chunks: Iterator[bytes]) -> None:
        try:
            for chunk in chunks:
                if not self._put(chunk):
                    return
        except Exception as err:  # handed to the reading thread, which raises it
            self._put(err)
            return
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        self._put(_END)

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            item = self._queue.get()
            if item is _END:
                self._queue.put(_END)  # later reads keep seeing the end
                return 0
            if isinstance(item, Exception):
                raise item
            self._pending = memoryview(item)
            if self._on_bytes is not None:
                self._on_bytes(len(item))
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        # An empty slice would still hold its whole chunk: a seed keeps every file it read
        # (for the lines of errors found later), so 72 monthly files kept 40 MB that way.
        self._pending = self._pending[size:] if size < len(self._pending) else memoryview(b"")
        return size

    def close(self) -> None:
        """Stop fetching and let go of what was fetched ahead and not read."""
        self._stop.set()
        self._pending = memoryview(b"")
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        super().close()


def detect_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with its BOM (Excel's "Unicode text")."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return "utf-8-sig"


def open_text(chunks: Iterator[bytes], on_bytes: ByteCounter | None = None) -> io.TextIOWrapper:
    """A text stream over the chunks with the encoding read from the BOM, newlines kept.

    Its ``buffer`` is a ``LineCounting`` reader: ``text.buffer.line_of(err)`` places an
    invalid byte on its line, although the decoder runs ahead of the parser.
    """
    raw = ReadAhead(chunks, on_bytes)
    buffered = io.BufferedReader(raw, buffer_size=CHUNK_BYTES)
    encoding = detect_encoding(buffered.peek(4)[:4])
    return io.TextIOWrapper(LineCounting(buffered), encoding=encoding, newline="")


class LineCounting(io.BufferedIOBase):
    """A buffered reader that remembers the bytes it handed out: how many line ends in all,
    and the last chunk (the one being decoded when the decoder fails)."""

    def __init__(self, inner: io.BufferedReader):
        super().__init__()
        self._inner = inner
        self._ends = {"\n": 0, "\r": 0}
        self._last = b""

    def readable(self) -> bool:
        return True

    def read1(self, size: int = -1) -> bytes:
        return self._seen(self._inner.read1(size))

    def read(self, size: int | None = -1) -> bytes:
        return self._seen(self._inner.read(size))

    def _seen(self, data: bytes) -> bytes:
        self._ends["\n"] += data.count(b"\n")
        self._ends["\r"] += data.count(b"\r")
        self._last = data
        return data

    def line_of(self, err: UnicodeDecodeError, eol: str) -> int | None:
        """The 1-based line of the byte the decoder refused (UTF-8: one byte per line end;
        the decoder's input is the last chunk, after at most 3 bytes of the one before)."""
        if err.encoding.replace("_", "-").lower() not in ("utf-8", "utf8", "utf-8-sig"):
            return None
        mark = eol.encode()
        data = err.object if isinstance(err.object, bytes) else bytes(err.object)
        if not data.endswith(self._last):
            return None
        before = self._ends[eol] - self._last.count(mark)
        return 1 + before + data[: err.start].count(mark)

    def close(self) -> None:
        self._inner.close()
        super().close()
