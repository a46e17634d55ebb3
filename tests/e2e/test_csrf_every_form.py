"""CSRF on every form: each POST route of the site, found from the app itself (so a new form
cannot be forgotten), is refused without its CSRF token — with a logged-in session and the
form's other fields filled — and changes nothing; and every ``method="post"`` form of every
template carries the hidden ``csrf`` field. The one exception is ``POST /record`` ("check my
receipt"), which changes nothing and answers only whoever asked. ``POST /api/commands`` is the
API's (its header rule is tested in test_auth.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from pages_setup import Site, open_site
from starlette.routing import Route

from councils.testing.scenarios import city_council, putilov_works, register
from councils.web.site import create_site

SETUP: list[dict[str, object]] = [
    city_council("City soviet"),
    putilov_works(seats=1),
    *register("putilov", {"m1": "Anna", "m2": "Boris"}),
    {"command": "organiser.appoint", "council": "city", "organiser": "m1"},
    {"command": "election.open", "election": "e1", "constituency": "putilov",
     "candidates": ["m1", "m2"]},
]
#: What each path parameter is filled with: things that exist.
PARAMS = {"council": "city", "constituency": "putilov", "election": "e1", "token_id": "1"}
#: Form fields that would make each form succeed but for the missing token.
FIELDS = {
    "rank-m1": "1", "ranking": "m1", "delegate": "m1", "action": "sign", "council": "town",
    "name": "Town soviet", "constituency": "w2", "kind": "workplace", "seats": "1",
    "member": "m3", "email": "m3@example.org", "election": "e2", "organiser": "@olga",
    "label": "script", "password": "correct horse battery staple",
    "confirm": "correct horse battery staple",
}
EXEMPT = {"/record", "/api/commands"}


def _routes(routes: list[object]) -> Iterator[Route]:
    """Every route, through the routers the app includes (FastAPI wraps each included router;
    its own routes are on ``original_router``)."""
    for route in routes:
        if isinstance(route, Route):
            yield route
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _routes(list(inner.routes))


def _post_paths() -> list[str]:
    app = create_site(lambda: None)  # type: ignore[arg-type,return-value]
    return sorted(
        {
            r.path
            for r in _routes(list(app.routes))
            if "POST" in (r.methods or set()) and r.path not in EXEMPT
        }
    )


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with open_site(tmp_path, SETUP) as s:
        yield s


def test_the_site_has_the_forms_we_expect() -> None:
    paths = _post_paths()
    assert "/login" in paths and "/elections/{election}/ballot/confirm" in paths
    assert len(paths) >= 12


@pytest.mark.parametrize("path", _post_paths())
def test_every_form_is_refused_without_its_csrf_token(site: Site, path: str) -> None:
    client = site.login("m1", "Anna", "anna@example.org")
    with site.backend.reading() as reading:
        before = len(reading.record)
    url = path
    for name, value in PARAMS.items():
        url = url.replace("{" + name + "}", value)
    if "{token}" in url:
        url = url.replace("{token}", site.accounts.create("m2", "Boris", "boris@example.org"))
    answer = client.post(url, data=FIELDS, follow_redirects=False)
    assert answer.status_code == 403, (path, answer.status_code, answer.text[:300])
    assert "expired" in answer.text or "csrf" in answer.text.lower()
    with site.backend.reading() as reading:
        assert len(reading.record) == before, f"{path} changed the record without a token"


def test_every_post_form_in_the_templates_carries_the_csrf_field() -> None:
    templates = resources.files("councils.web") / "templates"
    missing = []
    for item in templates.iterdir():
        text = item.read_text()
        for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", text, re.S | re.I):
            carries = 'name="csrf"' in form or "csrf_field(" in form
            if not carries and 'action="/record' not in form:
                missing.append(f"{item.name}: {form[:80]}")
    assert not missing, "\n".join(missing)
