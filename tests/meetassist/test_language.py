"""Each user's interface language: Vietnamese unless they chose otherwise, kept with the
account (not the browser), switched from any admin or dashboard page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ValidationError
from django.test import Client

from meetassist.language import user_language_set
from meetassist.models import UserPreference

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def logged_in(user: User, **headers: str) -> Client:
    client = Client(**headers)
    client.force_login(user)
    return client


@pytest.fixture
def boss() -> User:
    return User.objects.create_superuser("boss")


def page_language(client: Client, url: str = "/admin/") -> str:
    page = client.get(url).content.decode()
    assert page.count("<html lang=") == 1
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


def test_an_english_browser_still_gets_vietnamese(boss):
    assert page_language(Client(**ENGLISH_BROWSER), "/admin/login/") == "vi"
    assert page_language(logged_in(boss, **ENGLISH_BROWSER)) == "vi"


def test_the_choice_is_kept_with_the_account_and_comes_back_in_a_new_browser(boss):
    first = logged_in(boss)
    response = first.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert UserPreference.objects.get(user=boss).language == "en"
    assert page_language(first) == "en"

    # Another browser: no cookie, a new session; the login brings the choice back.
    assert page_language(logged_in(boss)) == "en"
    # A Vietnamese cookie left in a browser does not override the account's choice.
    other = logged_in(boss)
    other.cookies["django_language"] = "vi"
    assert page_language(other) == "en"


def test_a_user_who_never_chose_gets_vietnamese_and_others_are_not_affected(boss):
    someone = User.objects.create_superuser("someone")
    logged_in(boss).post("/i18n/setlang/", {"language": "en"})
    assert page_language(logged_in(someone)) == "vi"
    assert not UserPreference.objects.filter(user=someone).exists()


def test_switching_back_updates_the_one_stored_choice(boss):
    client = logged_in(boss)
    client.post("/i18n/setlang/", {"language": "en"})
    client.post("/i18n/setlang/", {"language": "vi"})
    assert list(UserPreference.objects.values_list("user__username", "language")) == [
        ("boss", "vi")
    ]
    assert page_language(logged_in(boss)) == "vi"


def test_an_unknown_language_is_not_stored(boss):
    client = logged_in(boss)
    client.post("/i18n/setlang/", {"language": "fr"})
    assert not UserPreference.objects.exists()
    assert page_language(client) == "vi"


def test_the_switch_needs_the_csrf_token(boss):
    client = Client(enforce_csrf_checks=True)
    client.force_login(boss)
    assert client.post("/i18n/setlang/", {"language": "en"}).status_code == 403
    assert not UserPreference.objects.exists()

    page = client.get("/admin/").content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = client.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert UserPreference.objects.get(user=boss).language == "en"


def test_a_visitor_not_logged_in_keeps_the_browsers_last_choice(boss):
    client = Client(**ENGLISH_BROWSER)
    client.post("/i18n/setlang/", {"language": "en"})  # a cookie only: no account yet
    assert page_language(client, "/admin/login/") == "en"
    assert not UserPreference.objects.exists()


@pytest.mark.parametrize(
    ("url", "sidebar"),
    [
        ("/admin/", False),  # Django's index has its app list instead
        ("/admin/appointments/appointment/", True),
        ("/admin/appointments/appointment/add/", True),
        ("/admin/django_celery_beat/periodictask/", True),
        ("/admin/password_change/", True),
        ("/dashboard/", True),
        ("/dashboard/archive/", True),
    ],
)
def test_every_admin_and_dashboard_page_has_the_switch_and_the_way_to_the_dashboard(
    boss, url, sidebar, archive_dir
):
    page = logged_in(boss).get(url).content.decode()
    header = page.split('<div id="user-tools">', 1)[1].split("</div>", 1)[0]
    assert header.count('action="/i18n/setlang/"') == 1
    assert 'name="csrfmiddlewaretoken"' in header.split('action="/i18n/setlang/"', 1)[1]
    assert '<a href="/dashboard/" class="dashboard-link">Bảng điều khiển</a>' in header
    assert "Xem trang" not in page  # Django's "View site"
    if not sidebar:
        assert 'id="nav-sidebar"' not in page
        return
    sidebar = page.split('id="nav-sidebar"', 1)[1].split("</nav>", 1)[0]
    assert sidebar.count('class="app-dashboard module') == 1
    assert 'href="/dashboard/"' in sidebar


def test_the_way_to_the_dashboard_is_shown_only_to_who_may_see_it():
    staff = User.objects.create_user("staff", is_staff=True)
    page = logged_in(staff).get("/admin/password_change/").content.decode()
    assert "dashboard-link" not in page and "app-dashboard" not in page
    assert 'action="/i18n/setlang/"' in page  # the switch is for everybody

    archivist = User.objects.create_user("archivist", is_staff=True)
    archivist.user_permissions.add(Permission.objects.get(codename="view_archive_status"))
    page = logged_in(archivist).get("/admin/password_change/").content.decode()
    # The archive page is the only dashboard page this user may open: the link goes there.
    assert '<a href="/dashboard/archive/" class="dashboard-link">' in page


@pytest.mark.language("vi")
def test_the_service_refuses_a_language_the_site_does_not_have(boss):
    with pytest.raises(ValidationError, match="không phải là ngôn ngữ"):
        user_language_set(user=boss, language="fr")
    assert user_language_set(user=boss, language="en").language == "en"
