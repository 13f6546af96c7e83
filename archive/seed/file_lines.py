"""A CSV file's text as lines for csv.reader, or as blocks of whole lines, counted.

The line count is the file's (1-based) line of the next record; ``pending`` holds the
lines of the record csv.reader is reading, so a row knows the text it came from.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import TextIO

from archive.seed.window import BlockSkipper, LineSkipper


class FileLines:
    """The lines of one file's text stream, with the skipping decided between records."""

    def __init__(self, text: TextIO, block_chars: int) -> None:
        self.text = text
        self.block_chars = block_chars  # the size of ``read_block``'s blocks
        self.pending: list[str] = []  # the lines of the record being read
        self.line = 1
        self.eol = "\n"  # the file's line end, as its header line ends

    def lines(
        self,
        first: str,
        skippers: Callable[[], tuple[LineSkipper | None, BlockSkipper | None]],
    ) -> Iterator[str]:
        """``first``, then the stream's lines less those skipped between records;
        ``skippers`` is asked for once the first row is wanted."""
        pending = self.pending
        pending.append(first)
        yield first
        skip, skip_block = skippers()
        lines = self.text if skip_block is None else self._unskipped_lines(skip_block)
        for line in lines:
            if skip is not None and not pending and skip(line, self.line):
                self.line += 1
                continue
            pending.append(line)
            yield line

    def _unskipped_lines(self, skip_block: BlockSkipper) -> Iterator[str]:
        """The stream's lines, less the blocks ``skip_block`` counts whole (asked only
        between records). Iterating the text stream itself is faster when none is."""
        for block in iter(self.read_block, ""):
            if not self.pending and skip_block(block):
                continue
            yield from io.StringIO(block, newline="")

    def read_block(self) -> str:
        """About ``block_chars`` characters of whole lines."""
        block = self.text.read(self.block_chars)
        if block.endswith("\r"):
            block += self.text.read(1)  # a CR LF cut in two stays together
        if block and block[-1] not in "\r\n":
            block += self.text.readline()
        return block

    def block_lines(self, block: str) -> Iterator[str]:
        """A block's lines for csv.reader, then the stream's while a record runs on."""
        pending = self.pending
        for line in io.StringIO(block, newline=""):
            pending.append(line)
            yield line
        while pending:  # the reader is inside a record (pending is cleared between rows)
            line = self.text.readline()
            if not line:
                return
            pending.append(line)
            yield line
