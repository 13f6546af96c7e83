"""Noticing what changed behind the archive's back: stored objects the manifest does not describe.

Each run compares the bucket's LIST (ETag and size, recorded at upload) with the manifest
and re-exports any file that differs, even when the change record says its table is
unchanged (docs/architecture.md, "Guarantees").
"""

from __future__ import annotations

from archive.storage.objects import Listed, Objects


def drifted(files: dict[str, dict], stored: dict[str, Listed], objects: Objects) -> set[str]:
    """Keys whose object is not what the manifest recorded: missing, unlisted or other bytes.

    The ETag recorded at upload decides, from the LIST the run makes anyway. An entry from
    before ETags were recorded is proved once, by a single-part ETag (the MD5 itself) or
    else by the object's MD5 (one HEAD on S3, a read in a folder), and then gets its ETag.
    """
    changed = set(stored.keys() - files.keys())
    for key, info in files.items():
        listed = stored.get(key)
        if listed is None or listed.size != info.get("bytes"):
            changed.add(key)
        elif info.get("etag"):
            if listed.etag != info["etag"]:
                changed.add(key)
        elif stored_md5(objects, key, listed, None) == info.get("checksum"):
            info["etag"] = listed.etag
        else:
            changed.add(key)
    return changed


def stored_md5(objects: Objects, key: str, listed: Listed, recorded: dict | None) -> str | None:
    """The stored object's MD5: proved by its ETag (single-part, or the one recorded with
    the manifest's checksum), else our metadata (one HEAD on S3, a read in a folder)."""
    if listed.md5:
        return listed.md5
    if recorded and recorded.get("etag") == listed.etag:
        return recorded.get("checksum")
    found = objects.stat(key)
    return found[0] if found else None
