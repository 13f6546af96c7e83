"""The archive storage: the ``archive`` entry of STORAGES (S3Storage or the local folder).

Nothing else reaches S3 or the folder directly; the keys are layout.py's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from botocore.utils import calculate_md5
from django.core.files.storage import Storage, storages
from django.utils.translation import gettext as _
from storages.backends.s3 import S3Storage
from storages.utils import setting

from meetassist.exceptions import DomainError


def archive_storage() -> Storage:
    return storages["archive"]


class ArchiveS3Storage(S3Storage):
    """S3Storage whose client sends integrity checksums the endpoint accepts, and retries.

    Since botocore 1.36 the SDK sends CRC32 checksums by default (trailers over TLS), which
    S3-compatible stores (older MinIO, Ceph, B2) reject. ``AWS_REQUEST_CHECKSUM_CALCULATION``
    and ``AWS_RESPONSE_CHECKSUM_VALIDATION`` (``when_supported`` / ``when_required``) are
    merged into django-storages' own client config; unset, they are the SDK's defaults on
    AWS and ``when_required`` when an endpoint URL is set. Under ``when_required`` every
    PutObject and UploadPart carries a Content-MD5 instead, which every S3 store verifies.
    Transient errors are retried by botocore's "standard" mode with backoff
    (``AWS_MAX_ATTEMPTS`` attempts) unless AWS_S3_CLIENT_CONFIG sets its own retries.
    Unless AWS_S3_TRANSFER_CONFIG says otherwise, files over 8 MB go multipart in 8 MB parts
    two at a time (the exporter uploads two files at once; the SDK's ten threads per file
    only raise memory, month files having two or three parts).
    """

    def get_default_settings(self) -> dict:
        return {
            **super().get_default_settings(),
            "request_checksum_calculation": setting("AWS_REQUEST_CHECKSUM_CALCULATION"),
            "response_checksum_validation": setting("AWS_RESPONSE_CHECKSUM_VALIDATION"),
            "max_attempts": setting("AWS_MAX_ATTEMPTS", 5),
        }

    def __init__(self, **settings) -> None:
        chosen_transfer = settings.get("transfer_config") or setting("AWS_S3_TRANSFER_CONFIG")
        super().__init__(**settings)
        if chosen_transfer is None:
            self.transfer_config = TransferConfig(max_concurrency=2)
        compatible = "when_required" if self.endpoint_url else None
        chosen = {
            "request_checksum_calculation": self.request_checksum_calculation or compatible,
            "response_checksum_validation": self.response_checksum_validation or compatible,
        }
        if self.client_config.retries is None:
            chosen["retries"] = {"mode": "standard", "total_max_attempts": self.max_attempts}
        self.client_config = self.client_config.merge(
            Config(**{name: value for name, value in chosen.items() if value})
        )

    @property
    def connection(self):
        resource = super().connection
        client = resource.meta.client
        if client.meta.config.request_checksum_calculation == "when_required" and not getattr(
            client, "_archive_content_md5", False
        ):
            for operation in ("PutObject", "UploadPart"):
                client.meta.events.register(f"before-call.s3.{operation}", _add_content_md5)
            client._archive_content_md5 = True
        return resource


def _add_content_md5(params: dict, **kwargs) -> None:
    """Content-MD5 on a body that carries no flexible checksum (botocore event hook)."""
    headers = params["headers"]
    flexible = params.get("context", {}).get("checksum", {}).get("request_algorithm")
    if params["body"] is None or flexible or "Content-MD5" in headers:
        return
    if any(name.lower().startswith("x-amz-checksum-") for name in headers):
        return
    headers["Content-MD5"] = calculate_md5(params["body"])


class ArchiveUnreachable(DomainError):
    """The archive storage did not answer, or refused us: a wrong bucket, endpoint or
    credentials (or the network). Raised by ``archive_reached`` in place of boto's error."""


def archive_place() -> str:
    """Where the archive is, as the user configured it: the bucket or the folder."""
    storage = archive_storage()
    bucket = getattr(storage, "bucket_name", None)
    if bucket:
        return _("the bucket %(bucket)s (ARCHIVE_BUCKET)") % {"bucket": bucket}
    return _("the folder %(path)s (ARCHIVE_DIR)") % {"path": getattr(storage, "location", "?")}


@contextmanager
def archive_reached() -> Iterator[None]:
    """Turn the storage client's failures inside the block into ``ArchiveUnreachable``."""
    try:
        yield
    except (BotoCoreError, ClientError) as err:
        raise ArchiveUnreachable(
            _("The archive storage, %(place)s, cannot be reached: %(error)s")
            % {"place": archive_place(), "error": err}
        ) from err
