"""The Django app on Lambda: API Gateway events through ``zappa.handler.lambda_handler``.

Every test starts its own container (a fresh process), so Zappa's handler singleton and
Django's settings start cold each time, with the production settings a deployed stage has.
"""

from __future__ import annotations

import json
import re
import uuid
from urllib.parse import urlencode, urlparse

import boto3
import pytest

from tests.deploy.apigateway import (
    API_HOST,
    Browser,
    body_text,
    form_token,
    header,
    request,
    set_cookie_headers,
)
from tests.deploy.conftest import STAFF_PASSWORD, STAFF_USERNAME
from tests.deploy.lambda_container import LambdaError

pytestmark = pytest.mark.django_db

VERSIONS = ["v1", "v2"]
STYLESHEET = re.compile(r'href="([^"]+\.css)"')


@pytest.fixture
def app(start_container, migrated_database: str):
    return start_container("dev", DATABASE_URL=migrated_database)


def _login_page(app, version: str, browser: Browser | None = None) -> dict:
    reply = app.invoke(request(version, "GET", "/admin/login/", stage="dev", browser=browser))
    assert reply["statusCode"] == 200, body_text(reply)
    return reply


@pytest.mark.parametrize("version", VERSIONS)
def test_admin_redirects_to_the_login_page_under_the_stage_prefix(app, version):
    reply = app.invoke(request(version, "GET", "/admin/", stage="dev"))

    assert reply["statusCode"] == 302
    assert header(reply, "Location") == "/dev/admin/login/?next=/dev/admin/"


@pytest.mark.parametrize("version", VERSIONS)
def test_login_page_links_and_static_urls_carry_the_stage_prefix(app, version):
    html = body_text(_login_page(app, version))

    assert 'action="/dev/admin/login/"' in html
    stylesheets = STYLESHEET.findall(html)
    assert stylesheets, "the admin login page links no stylesheet"
    for url in stylesheets:
        # The manifest's hashed name under the stage's static URL.
        assert re.fullmatch(r"/dev/static/[\w/-]+\.[0-9a-f]{12}\.css", url), url


def _sign_in(
    app,
    version: str,
    password: str,
    *,
    as_base64: bool = False,
    source_ip: str = "203.0.113.9",
    extra_headers: dict[str, str] | None = None,
):
    """GET the login page, POST its form as a browser does: (reply, browser)."""
    browser = Browser()
    page = _login_page(app, version, browser)
    browser.keep(page)
    form = urlencode(
        {
            "csrfmiddlewaretoken": form_token(body_text(page)),
            "username": STAFF_USERNAME,
            "password": password,
            "next": "/dev/admin/",
        }
    ).encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": f"https://{API_HOST}",
        "Referer": f"https://{API_HOST}/dev/admin/login/",
        **(extra_headers or {}),
    }
    event = request(
        version,
        "POST",
        "/admin/login/",
        stage="dev",
        browser=browser,
        headers=headers,
        body=form,
        body_as_base64=as_base64,
        source_ip=source_ip,
    )
    return app.invoke(event), browser


def _session_cookies(reply: dict) -> set[str]:
    # Zappa's WSGI middleware repeats each Set-Cookie header; browsers take it once.
    return {c for c in set_cookie_headers(reply) if c.startswith("sessionid=")}


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("as_base64", [False, True], ids=["plain-body", "base64-body"])
def test_staff_signs_in_with_the_form_posted_as_plain_or_base64_body(app, version, as_base64):
    reply, browser = _sign_in(app, version, STAFF_PASSWORD, as_base64=as_base64)

    assert reply["statusCode"] == 302, body_text(reply)
    assert header(reply, "Location") == "/dev/admin/"
    (session,) = _session_cookies(reply)
    assert "Secure" in session and "HttpOnly" in session
    browser.keep(reply)
    index = app.invoke(request(version, "GET", "/admin/", stage="dev", browser=browser))
    assert index["statusCode"] == 200
    assert "/dev/admin/logout/" in body_text(index)


def test_wrong_password_is_refused_on_the_login_page(app):
    reply, _browser = _sign_in(app, "v1", "not-the-password")

    assert reply["statusCode"] == 200
    assert not _session_cookies(reply)


def test_wrong_passwords_lock_the_login_at_the_gateways_source_address_whatever_headers_say(app):
    """Five failures from one client lock it, though each claims another X-Forwarded-For and
    X-Apigateway-Source-Ip: the address is the event's, as Zappa maps it (zappa_settings)."""
    for n in range(5):
        spoofed = {"X-Forwarded-For": f"198.51.100.{n}, 130.176.1.1"}
        spoofed["X-Apigateway-Source-Ip"] = f"198.51.100.{n}"
        reply, _browser = _sign_in(
            app, "v1", "not-the-password", source_ip="192.0.2.44", extra_headers=spoofed
        )
    assert reply["statusCode"] == 429

    locked, _browser = _sign_in(app, "v1", STAFF_PASSWORD, source_ip="192.0.2.44")
    elsewhere, _browser = _sign_in(app, "v1", STAFF_PASSWORD, source_ip="192.0.2.45")

    assert locked["statusCode"] == 429
    assert "data-lockout" in body_text(locked)
    assert "lượt đăng nhập này đã bị khoá" in body_text(locked)  # Vietnamese, the default
    assert not _session_cookies(locked)
    assert elsewhere["statusCode"] == 302


@pytest.mark.parametrize("version", VERSIONS)
def test_pages_carry_a_strict_content_security_policy_and_a_browser_session(app, version):
    page = _login_page(app, version)
    reply, _browser = _sign_in(app, version, STAFF_PASSWORD)

    policy = header(page, "Content-Security-Policy")
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert header(page, "X-Content-Type-Options") == "nosniff"
    assert header(page, "X-Frame-Options") == "DENY"
    (session,) = _session_cookies(reply)
    assert "expires=" not in session.lower() and "max-age" not in session.lower()


@pytest.mark.parametrize("version", VERSIONS)
def test_static_asset_is_served_compressed_with_a_far_future_cache(app, version):
    stylesheet = STYLESHEET.findall(body_text(_login_page(app, version)))[0]
    path = stylesheet.removeprefix("/dev")

    reply = app.invoke(
        request(version, "GET", path, stage="dev", headers={"Accept-Encoding": "gzip"})
    )

    assert reply["statusCode"] == 200
    assert header(reply, "Content-Type").startswith("text/css")
    assert header(reply, "Content-Encoding") == "gzip"
    assert reply["isBase64Encoded"] is True  # binary_support: API Gateway gets bytes intact
    assert "immutable" in header(reply, "Cache-Control")
    assert "{" in body_text(reply)  # the stylesheet itself, unzipped


@pytest.mark.parametrize("version", VERSIONS)
def test_health_endpoint_answers_json_with_the_database_status(app, version):
    reply = app.invoke(request(version, "GET", "/healthz", stage="dev"))

    assert reply["statusCode"] == 200
    assert header(reply, "Content-Type") == "application/json"
    assert json.loads(body_text(reply)) == {"status": "ok", "database": True}


def test_health_endpoint_answers_503_when_the_database_is_unreachable(start_container):
    app = start_container("dev", DATABASE_URL="postgres://nobody:x@127.0.0.1:1/none")

    reply = app.invoke(request("v1", "GET", "/healthz", stage="dev"))

    assert reply["statusCode"] == 503
    assert json.loads(body_text(reply)) == {"status": "error", "database": False}


def test_plain_http_is_redirected_to_https_keeping_the_prefix(app):
    reply = app.invoke(
        request("v1", "GET", "/admin/login/", stage="dev", headers={"X-Forwarded-Proto": "http"})
    )

    assert reply["statusCode"] == 301
    assert header(reply, "Location") == f"https://{API_HOST}/dev/admin/login/"


def test_responses_carry_hsts(app):
    reply = app.invoke(request("v1", "GET", "/healthz", stage="dev"))

    assert "max-age=31536000" in header(reply, "Strict-Transport-Security")


def test_production_stage_serves_under_its_own_prefix(start_container, migrated_database):
    app = start_container("production", DATABASE_URL=migrated_database)

    reply = app.invoke(request("v1", "GET", "/admin/login/", stage="production"))

    assert reply["statusCode"] == 200
    assert all(u.startswith("/production/static/") for u in STYLESHEET.findall(body_text(reply)))


def test_logs_reach_cloudwatch_as_one_json_object_a_line(app):
    app.invoke(request("v1", "GET", "/no-such-page", stage="dev"))

    records = [json.loads(line) for line in app.log().splitlines() if line.startswith("{")]
    not_found = [r for r in records if r.get("logger") == "django.request"]
    assert not_found, app.log()
    assert not_found[0]["level"] == "WARNING"
    assert not_found[0]["message"] == "Not Found: /dev/no-such-page"


@pytest.mark.postgres
def test_function_finds_its_database_through_secrets_manager(
    start_container, migrated_database, s3_endpoint
):
    url = urlparse(migrated_database)
    secret = {
        "engine": "postgres",
        "host": url.hostname,
        "port": url.port,
        "username": url.username,
        "password": url.password or "unused-by-trust-auth",
        "dbname": url.path.lstrip("/"),
    }
    client = boto3.client("secretsmanager", endpoint_url=s3_endpoint, region_name="ap-southeast-1")
    name = f"meetassist/dev/database-{uuid.uuid4().hex[:8]}"
    arn = client.create_secret(Name=name, SecretString=json.dumps(secret))["ARN"]
    app = start_container("dev", DATABASE_SECRET_ARN=arn)  # and no DATABASE_URL

    reply = app.invoke(request("v1", "GET", "/healthz", stage="dev"))

    assert json.loads(body_text(reply)) == {"status": "ok", "database": True}


def test_function_refuses_to_start_when_its_config_file_gives_no_secret_key(
    start_container, zappa_settings_dir, tmp_path
):
    generated = (zappa_settings_dir("dev") / "zappa_settings.py").read_text()
    (tmp_path / "zappa_settings.py").write_text(
        re.sub(
            r"REMOTE_ENV='[^']*'", "REMOTE_ENV='s3://replace-me-config-bucket/none.json'", generated
        )
    )
    app = start_container("dev", settings_dir=tmp_path, DATABASE_URL="sqlite:///unused")

    with pytest.raises(LambdaError, match="Set the SECRET_KEY environment variable"):
        app.invoke(request("v1", "GET", "/healthz", stage="dev"))
