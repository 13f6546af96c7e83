"""The S3 client: checksum settings merged into django-storages' config, checksums sent."""

from __future__ import annotations

import hashlib
import os

import pytest
from botocore.awsrequest import AWSResponse
from django.conf import settings as django_settings

from archive.storage.backends import ArchiveS3Storage
from archive.storage.objects import S3Objects

pytestmark = pytest.mark.django_db

MB = 1 << 20


def _storage(**overrides) -> ArchiveS3Storage:
    return ArchiveS3Storage(**{**django_settings.STORAGES["archive"]["OPTIONS"], **overrides})


def _headers_sent(storage: ArchiveS3Storage) -> list[tuple[str, dict]]:
    sent: list[tuple[str, dict]] = []

    def record(request, event_name, **kwargs):
        headers = {k: v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}
        sent.append((event_name.rsplit(".", 1)[-1], headers))

    storage.connection.meta.client.meta.events.register("before-send.s3", record)
    return sent


@pytest.fixture
def big_file(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(os.urandom(9 * MB))
    return path, hashlib.md5(path.read_bytes()).hexdigest()


def test_endpoint_url_defaults_to_checksums_only_when_required(s3_bucket):
    config = _storage().connection.meta.client.meta.config
    assert config.request_checksum_calculation == "when_required"
    assert config.response_checksum_validation == "when_required"


def test_aws_keeps_the_sdk_default(s3_bucket):
    config = _storage(endpoint_url=None).connection.meta.client.meta.config
    assert config.request_checksum_calculation == "when_supported"


def test_checksum_settings_keep_django_storages_client_config(s3_bucket, settings):
    settings.AWS_REQUEST_CHECKSUM_CALCULATION = "when_supported"
    settings.AWS_S3_ADDRESSING_STYLE = "path"
    settings.AWS_MAX_ATTEMPTS = 3
    storage = _storage()
    config = storage.connection.meta.client.meta.config
    assert config.request_checksum_calculation == "when_supported"
    assert config.s3["addressing_style"] == "path"
    assert config.retries == {"mode": "standard", "total_max_attempts": 3}


def test_multipart_upload_sends_crc32_on_every_part_when_supported(s3_bucket, settings, big_file):
    settings.AWS_REQUEST_CHECKSUM_CALCULATION = "when_supported"
    storage = _storage()
    sent = _headers_sent(storage)
    path, md5 = big_file
    S3Objects(storage).put("data/big.csv", path, md5)
    parts = [h for op, h in sent if op == "UploadPart"]
    assert len(parts) == 2  # 9 MB in 8 MB parts: every file over 8 MB goes multipart
    assert all("x-amz-checksum-crc32" in h for h in parts)
    create = next(h for op, h in sent if op == "CreateMultipartUpload")
    assert create["x-amz-checksum-algorithm"] == "CRC32"
    complete = next(op for op, _h in sent if op == "CompleteMultipartUpload")
    assert complete


def test_compatible_endpoint_gets_content_md5_on_every_part_and_put(s3_bucket, big_file, tmp_path):
    storage = _storage()
    sent = _headers_sent(storage)
    path, md5 = big_file
    S3Objects(storage).put("data/big.csv", path, md5)
    small = tmp_path / "small.csv"
    small.write_bytes(b"\xef\xbb\xbfa\n1\n")
    S3Objects(storage).put("data/small.csv", small, hashlib.md5(small.read_bytes()).hexdigest())
    writes = [(op, h) for op, h in sent if op in ("UploadPart", "PutObject")]
    assert [op for op, _h in writes] == ["UploadPart", "UploadPart", "PutObject"]
    for _op, headers in writes:
        assert "Content-MD5" in headers
        assert not any(name.lower().startswith("x-amz-checksum") for name in headers)


def test_stat_reads_our_md5_not_the_multipart_etag(s3_bucket, big_file):
    storage = _storage()
    path, md5 = big_file
    objects = S3Objects(storage)
    objects.put("data/big.csv", path, md5)
    assert objects.stat("data/big.csv") == (md5, 9 * MB)
    etag = storage.connection.meta.client.head_object(Bucket=s3_bucket, Key="data/big.csv")["ETag"]
    assert "-" in etag and md5 not in etag
    assert objects.stat("data/missing.csv") is None


class _Ok:
    def stream(self, **kwargs):
        yield b""


def test_production_aws_sends_crc32_as_a_trailer_over_tls(settings):
    """What production sends (no network: the request is answered at botocore's hook)."""
    settings.AWS_ACCESS_KEY_ID = settings.AWS_SECRET_ACCESS_KEY = "testing"
    storage = ArchiveS3Storage(bucket_name="prod", region_name="ap-southeast-1")
    client = storage.connection.meta.client
    sent: list[tuple[str, dict]] = []

    def answer(request, event_name, **kwargs):
        headers = {
            k.lower(): v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()
        }
        sent.append((event_name.rsplit(".", 1)[-1], headers))
        return AWSResponse(request.url, 200, {"ETag": '"x"'}, _Ok())

    client.meta.events.register_first("before-send.s3", answer)
    client.put_object(Bucket="prod", Key="data/customer.csv", Body=b"a\n1\n")
    client.upload_part(Bucket="prod", Key="k", UploadId="u", PartNumber=1, Body=b"x" * 100)
    for _op, headers in sent:
        assert headers["x-amz-trailer"] == "x-amz-checksum-crc32"
        assert headers["x-amz-content-sha256"] == "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
        assert headers["x-amz-sdk-checksum-algorithm"] == "CRC32"
        assert "content-md5" not in headers
        assert headers["content-encoding"] == "aws-chunked"
    assert [op for op, _h in sent] == ["PutObject", "UploadPart"]
