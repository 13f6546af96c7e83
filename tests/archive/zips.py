"""ZIP files an adversary would upload, built byte by byte (zipfile cannot write them)."""

from __future__ import annotations

import struct
import zlib


def deflated(data: bytes) -> bytes:
    """Raw deflate data, as a ZIP member holds it."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def zip_of(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A ZIP of (name, deflate data, crc32, declared size) members.

    The same compressed bytes may serve many members (a bomb costs one compression), and
    the declared size and CRC may lie.
    """
    out, central = bytearray(), bytearray()
    for name, data, crc, size in members:
        encoded = name.encode()
        offset = len(out)
        fields = (20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + encoded + data
        central += (
            struct.pack("<IH", 0x02014B50, 20)
            + struct.pack("<HHHHHIIIHHHHHII", *fields[:-1], 0, 0, 0, 0, 0, offset)
            + encoded
        )
    count = len(members)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), len(out), 0)
    return bytes(out + central + end)


def bomb(members: int, size: int, name: str = "customer/2{:03d}-01.csv") -> bytes:
    """``members`` CSV files of ``size`` bytes each, compressed once, honestly declared."""
    header = b"CustomerID,FullName\r\n"
    data = header + b"0" * (size - len(header))  # one endless line
    packed, crc = deflated(data), zlib.crc32(data)
    return zip_of([(name.format(i), packed, crc, size) for i in range(members)])
