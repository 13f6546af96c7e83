"""The archive storage's objects as the exporter needs them: list, stat, put, get, delete.

Two implementations behind one interface: S3 (the storage's own boto3 client, so its
config, checksums and retries apply) and a local folder (the embedded default). Our MD5
travels with every object (S3 user metadata ``md5``; a folder computes it), because a
multipart upload's ETag is not the MD5 of the file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import NamedTuple, Protocol

from botocore.exceptions import ClientError
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, Storage
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from archive.core.csvfile import file_md5

CSV_TYPE = "text/csv; charset=utf-8"


class Listed(NamedTuple):
    """What one LIST says of an object: its size and its ETag (a fingerprint of its bytes).

    On S3 the ETag is the MD5 of a single-part upload's bytes (``md5hex``) or, for a
    multipart upload, ``<hex>-<parts>``; in a folder it is ``<mtime ns>-<size>``, which
    changes whenever the file is written.
    """

    size: int
    etag: str

    @property
    def md5(self) -> str | None:
        """The object's MD5 when the ETag proves it (a single-part S3 upload), else None."""
        etag = self.etag
        return etag if len(etag) == 32 and all(c in "0123456789abcdef" for c in etag) else None


class Objects(Protocol):
    def listing(self, prefix: str) -> dict[str, Listed]:
        """Every object under ``prefix``, by key: one LIST request per 1,000 objects."""

    def sizes(self, prefix: str) -> dict[str, int]:
        """Every object under ``prefix``, by key, with its size."""

    def etag(self, key: str) -> str | None:
        """The ETag of the object at ``key`` now, or None when there is none."""

    def our_md5(self, key: str) -> str | None:
        """The MD5 our upload recorded with the object (S3 user metadata ``md5``, a hidden
        file beside it in a folder); None when another tool wrote it since."""

    def stat(self, key: str) -> tuple[str | None, int] | None:
        """(our MD5 or None, size) of the object at ``key``, or None when there is none."""

    def put(self, key: str, path: Path, md5: str, content_type: str = CSV_TYPE) -> str:
        """Store the file at ``key``; returns the stored object's ETag."""

    def get(self, key: str, path: Path) -> None: ...

    def tail(self, key: str, size: int) -> tuple[bytes, bool]:
        """The object's last ``size`` bytes, and whether that is the whole object.

        Raises FileNotFoundError when there is no object at ``key``.
        """

    def delete(self, key: str) -> None: ...


class S3Objects:
    def __init__(self, storage: S3Storage) -> None:
        self.storage = storage
        # Clients are thread-safe (resources are not): the upload thread shares this one.
        self.client = storage.connection.meta.client
        self.bucket = storage.bucket_name

    def _name(self, key: str) -> str:
        return self.storage._normalize_name(clean_name(key))

    def listing(self, prefix: str) -> dict[str, Listed]:
        full = self._name(prefix)
        strip = len(full) - len(prefix)
        found = {}
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=full
        )
        for page in pages:
            for item in page.get("Contents", []):
                found[item["Key"][strip:]] = Listed(item["Size"], _etag(item["ETag"]))
        return found

    def sizes(self, prefix: str) -> dict[str, int]:
        return {key: listed.size for key, listed in self.listing(prefix).items()}

    def _head(self, key: str) -> dict | None:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as err:
            if err.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                return None
            raise

    def stat(self, key: str) -> tuple[str | None, int] | None:
        head = self._head(key)
        if head is None:
            return None
        return head.get("Metadata", {}).get("md5"), head["ContentLength"]

    def etag(self, key: str) -> str | None:
        head = self._head(key)
        return None if head is None else _etag(head["ETag"])

    def our_md5(self, key: str) -> str | None:
        head = self._head(key)
        return None if head is None else head.get("Metadata", {}).get("md5")

    def put(self, key: str, path: Path, md5: str, content_type: str = CSV_TYPE) -> str:
        name = self._name(key)
        extra = {
            **self.storage.get_object_parameters(name),
            "ContentType": content_type,
            "Metadata": {"md5": md5},
        }
        if self.storage.default_acl:
            extra["ACL"] = self.storage.default_acl
        self.client.upload_file(
            str(path), self.bucket, name, ExtraArgs=extra, Config=self.storage.transfer_config
        )
        # upload_file does not return the ETag (a multipart one is not the MD5): one HEAD.
        return self.etag(key) or ""

    def get(self, key: str, path: Path) -> None:
        self.client.download_file(
            self.bucket, self._name(key), str(path), Config=self.storage.transfer_config
        )

    def tail(self, key: str, size: int) -> tuple[bytes, bool]:
        try:
            response = self.client.get_object(
                Bucket=self.bucket, Key=self._name(key), Range=f"bytes=-{size}"
            )
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise FileNotFoundError(f"File does not exist: {key}") from err
            raise
        first = response.get("ContentRange", "bytes 0-").split(" ", 1)[-1].split("-", 1)[0]
        return response["Body"].read(), first in ("0", "*")

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))


class FolderObjects:
    """A local folder; files are replaced atomically (write beside, then rename)."""

    def __init__(self, storage: FileSystemStorage) -> None:
        self.root = Path(storage.location)

    def listing(self, prefix: str) -> dict[str, Listed]:
        found = {}
        base = self.root / prefix
        folder = base if base.is_dir() else base.parent
        if not folder.is_dir():
            return found
        for path in folder.rglob("*"):
            key = path.relative_to(self.root).as_posix()
            if path.is_file() and key.startswith(prefix) and not path.name.startswith("."):
                found[key] = _folder_listed(path.stat())
        return found

    def sizes(self, prefix: str) -> dict[str, int]:
        return {key: listed.size for key, listed in self.listing(prefix).items()}

    def etag(self, key: str) -> str | None:
        path = self.root / key
        return _folder_listed(path.stat()).etag if path.is_file() else None

    def our_md5(self, key: str) -> str | None:
        path = self.root / key
        try:
            md5, etag = _sidecar(path).read_text().split()
            current = _folder_listed(path.stat()).etag
        except (OSError, ValueError):
            return None
        return md5 if etag == current else None  # written since by someone else

    def stat(self, key: str) -> tuple[str | None, int] | None:
        path = self.root / key
        if not path.is_file():
            return None
        return file_md5(path), path.stat().st_size

    def put(self, key: str, path: Path, md5: str, content_type: str = CSV_TYPE) -> str:
        target = self.root / key
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out, open(path, "rb") as source:
                while chunk := source.read(1 << 20):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        etag = _folder_listed(target.stat()).etag
        # What S3 keeps as user metadata: our MD5, valid while the file is as we wrote it.
        _sidecar(target).write_text(f"{md5} {etag}")
        return etag

    def get(self, key: str, path: Path) -> None:
        with open(self.root / key, "rb") as source, open(path, "wb") as out:
            while chunk := source.read(1 << 20):
                out.write(chunk)

    def tail(self, key: str, size: int) -> tuple[bytes, bool]:
        with open(self.root / key, "rb") as source:
            total = source.seek(0, os.SEEK_END)
            source.seek(max(0, total - size))
            return source.read(), total <= size

    def delete(self, key: str) -> None:
        (self.root / key).unlink(missing_ok=True)
        _sidecar(self.root / key).unlink(missing_ok=True)


def _etag(quoted: str) -> str:
    return quoted.strip('"')


def _sidecar(path: Path) -> Path:
    """A hidden file beside an object of a folder archive (listings skip dot files)."""
    return path.with_name(f".{path.name}.md5")


def _folder_listed(stat: os.stat_result) -> Listed:
    return Listed(stat.st_size, f"{stat.st_mtime_ns}-{stat.st_size}")


def objects(storage: Storage) -> Objects:
    if isinstance(storage, S3Storage):
        return S3Objects(storage)
    if isinstance(storage, FileSystemStorage):
        return FolderObjects(storage)
    raise ImproperlyConfigured(
        f"The archive storage must be S3Storage or FileSystemStorage, not {type(storage)}."
    )
