"""The client's address, as the deployment in front of the app tells it (``TRUSTED_PROXY``).

django-axes locks logins by it. Behind API Gateway, Zappa copies the event's
``requestContext.identity.sourceIp`` into the X-Apigateway-Source-Ip header
(``context_header_mappings`` in zappa_settings.json), overwriting whatever a client sent
under that name; without it (an HTTP API event) REMOTE_ADDR holds Zappa's reading of
X-Forwarded-For. Behind another proxy, the last X-Forwarded-For address is the one that
proxy appended. With ``none`` only the connection's own address counts.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

SOURCE_IP_META = "HTTP_X_APIGATEWAY_SOURCE_IP"


def client_ip(request: HttpRequest) -> str | None:
    meta = request.META
    if settings.TRUSTED_PROXY == "apigateway" and meta.get(SOURCE_IP_META):
        return meta[SOURCE_IP_META].strip()
    if settings.TRUSTED_PROXY == "proxy":
        forwarded = [a.strip() for a in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded[-1]:
            return forwarded[-1]
    return meta.get("REMOTE_ADDR") or None
