"""Tests that read English pages switch as a user does: Accept-Language is not followed."""

from __future__ import annotations

from django.test import Client


def english(client: Client) -> Client:
    """``client``'s pages in English from now on: kept with its account when logged in (call
    it after the login), in the browser's language cookie before."""
    response = client.post("/i18n/setlang/", {"language": "en"})
    assert response.status_code == 302, response
    return client
