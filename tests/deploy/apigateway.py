"""API Gateway proxy events (REST API v1 and HTTP API v2) and readers for their replies.

The shapes follow AWS's documented examples for the Lambda proxy integration: a REST API
passes the path without the stage and the Host of the execute-api domain; an HTTP API
with a named stage passes ``rawPath`` with the stage and the cookies as their own list.
"""

from __future__ import annotations

import base64
import gzip
import re
import uuid
from http.cookies import SimpleCookie
from typing import Any

API_HOST = "a1b2c3d4e5.execute-api.ap-southeast-1.amazonaws.com"


class Browser:
    """Cookies kept between requests, as a browser would."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def keep(self, reply: dict[str, Any]) -> None:
        for morsel_text in set_cookie_headers(reply):
            cookie = SimpleCookie()
            cookie.load(morsel_text)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value


def request(
    version: str,
    method: str,
    path: str,
    *,
    stage: str,
    browser: Browser | None = None,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    body_as_base64: bool = False,
    query: str = "",
    source_ip: str = "203.0.113.9",
) -> dict[str, Any]:
    """An API Gateway event for ``method path`` (path without the stage) in ``version``,
    from the client at ``source_ip`` (what API Gateway itself saw, not a header)."""
    all_headers = {
        "Host": API_HOST,
        "User-Agent": "pytest",
        "X-Forwarded-For": "203.0.113.9, 130.176.1.1",
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
        **(headers or {}),
    }
    cookies = [f"{k}={v}" for k, v in (browser.cookies if browser else {}).items()]
    if body is None:
        payload = None
    elif body_as_base64:
        payload = base64.b64encode(body).decode()
    else:
        payload = body.decode()
    build = _v2 if version == "v2" else _v1
    event = build(method, path, stage=stage, headers=all_headers, cookies=cookies, query=query)
    context = event["requestContext"]
    (context.get("identity") or context["http"])["sourceIp"] = source_ip
    event["body"] = payload
    event["isBase64Encoded"] = body_as_base64
    return event


def _v1(method, path, *, stage, headers, cookies, query) -> dict[str, Any]:
    if cookies:
        headers = {**headers, "Cookie": "; ".join(cookies)}
    params = dict(pair.split("=", 1) for pair in query.split("&")) if query else None
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": params,
        "multiValueQueryStringParameters": {k: [v] for k, v in params.items()} if params else None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "path": f"/{stage}{path}",
            "stage": stage,
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": "203.0.113.9", "userAgent": "pytest"},
            "domainName": API_HOST,
            "apiId": API_HOST.split(".")[0],
        },
    }


def _v2(method, path, *, stage, headers, cookies, query) -> dict[str, Any]:
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": f"/{stage}{path}",
        "rawQueryString": query,
        "cookies": cookies,
        "headers": {k.lower(): v for k, v in headers.items()},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": API_HOST.split(".")[0],
            "domainName": API_HOST,
            "domainPrefix": API_HOST.split(".")[0],
            "http": {
                "method": method,
                "path": f"/{stage}{path}",
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.9",
                "userAgent": "pytest",
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": stage,
        },
    }


def header(reply: dict[str, Any], name: str) -> str | None:
    for key, value in (reply.get("headers") or {}).items():
        if key.lower() == name.lower():
            return value
    return None


def set_cookie_headers(reply: dict[str, Any]) -> list[str]:
    """v2 replies list cookies apart; v1 replies carry them in multiValueHeaders."""
    if "cookies" in reply:
        return [value.strip() for value in reply["cookies"]]
    for key, values in (reply.get("multiValueHeaders") or {}).items():
        if key.lower() == "set-cookie":
            return [value.strip() for value in values]
    return []


def body_bytes(reply: dict[str, Any]) -> bytes:
    raw = reply.get("body") or ""
    data = base64.b64decode(raw) if reply.get("isBase64Encoded") else raw.encode()
    if (header(reply, "Content-Encoding") or "") == "gzip":
        data = gzip.decompress(data)
    return data


def body_text(reply: dict[str, Any]) -> str:
    return body_bytes(reply).decode()


def form_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "the page has no CSRF form token"
    return match.group(1)


def scheduled_event(rule_name: str) -> dict[str, Any]:
    """What EventBridge sends for a Zappa ``events`` rule (Zappa reads the rule's name)."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": "2026-11-25T03:00:00Z",
        "region": "ap-southeast-1",
        "resources": [f"arn:aws:events:ap-southeast-1:123456789012:rule/{rule_name}"],
        "detail": {},
        "kwargs": {},
    }
