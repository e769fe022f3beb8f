"""Every URL with every persona: who gets the page, who is sent to log in, who is refused.

A new URL pattern fails ``test_every_url_pattern_is_walked`` until it is added to the table below.
"""

import importlib
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from santelocale.territories.services import save_perimeter
from tests.walk import DENIED, LOGIN, OK, REDIRECT, WALK_MODULES, walk

pytestmark = pytest.mark.django_db

SAMPLE_ID = "00000000-0000-0000-0000-000000000000"


def _table(perimeter_id):
    """URL → expected answer for (anonymous, alice the author, bob reader of her organisation, charlie)."""
    p = perimeter_id
    return {
        "/": (OK, OK, OK, OK),
        "/territoires/?q=albi": (OK, OK, OK, OK),
        "/territoires/commune/81004/": (OK, OK, OK, OK),
        "/carte/": (OK, OK, OK, OK),
        "/sources/": (OK, OK, OK, OK),
        "/donnees-personnelles/": (OK, OK, OK, OK),
        "/mentions-legales/": (OK, OK, OK, OK),
        "/accessibilite/": (OK, OK, OK, OK),
        "/geo/departement.geojson?zoom=low": (OK, OK, OK, OK),
        "/geo/territoire/commune/81004.geojson": (OK, OK, OK, OK),
        "/perimetres/": (LOGIN, OK, OK, OK),
        "/perimetres/nouveau/": (LOGIN, OK, OK, OK),
        "/perimetres/recherche/?q=albi": (LOGIN, OK, OK, OK),
        f"/perimetres/{p}/": (LOGIN, OK, OK, OK),
        f"/perimetres/{p}/modifier/": (LOGIN, OK, DENIED, DENIED),
        f"/perimetres/{p}.geojson": (LOGIN, OK, OK, OK),
        "/comptes/connexion/": (OK, REDIRECT, REDIRECT, REDIRECT),
        "/api/openapi.json": (OK, OK, OK, OK),
        "/api/docs": (OK, OK, OK, OK),
        "/api/regions": (OK, OK, OK, OK),
        "/api/sources": (OK, OK, OK, OK),
        "/api/territoires/recherche?q=albi": (OK, OK, OK, OK),
        "/api/territoires/commune/81004": (OK, OK, OK, OK),
        "/api/perimetres": (401, OK, OK, OK),
        f"/api/perimetres/{p}": (401, OK, OK, OK),
        "/admin/": (REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    }


#: POST-only URLs: (url, expected per persona) — the author may act, others are refused.
def _post_table(perimeter_id):
    p = perimeter_id
    return {
        "/perimetres/selection/": (LOGIN, OK, OK, OK),
        f"/perimetres/{p}/supprimer/": (LOGIN, DENIED, DENIED, REDIRECT),
        "/comptes/deconnexion/": (REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    }


@pytest.fixture
def personas(client, alice, bob, charlie):
    return {"anonymous": None, "alice": alice, "bob": bob, "charlie": charlie}


def _perimeter_of(user, name, code):
    return save_perimeter(
        name=name,
        components=[{"kind": "commune", "code": code}],
        user=user,
        organisation=user.home_organisation(),
    )


@pytest.mark.slow
def test_every_get_url_answers_each_persona_as_the_rules_say(client, personas, alice):
    perimeter = _perimeter_of(alice, "Albi", "81004")
    walk(client, personas, _table(perimeter.public_id), client.get)


def test_every_post_url_answers_each_persona_as_the_rules_say(client, personas, charlie):
    # The perimeter belongs to Charlie here, so that deleting it comes last (after the refusals).
    perimeter = _perimeter_of(charlie, "Castres", "81065")
    walk(
        client,
        personas,
        _post_table(perimeter.public_id),
        lambda url: client.post(url, {"component": ["commune:81004"]}),
    )


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _as_regex(pattern: str) -> re.Pattern:
    """Turn a Django route (``perimetres/<uuid:public_id>/``) into a regex matching concrete paths."""
    regex = re.sub(
        r"<uuid:\w+>", "[0-9a-f-]{36}", re.escape("/" + pattern).replace(r"\<", "<").replace(r"\>", ">")
    )
    regex = re.sub(r"<(?:\w+:)?\w+>", "[^/]+", regex)
    return re.compile(f"^{regex}$")


def sample_urls() -> list[str]:
    return [*_table(SAMPLE_ID), *_post_table(SAMPLE_ID)]


def _all_walked_urls() -> set[str]:
    urls = set()
    for name in WALK_MODULES:
        urls.update(url.split("?")[0] for url in importlib.import_module(name).sample_urls())
    return urls


def test_every_url_pattern_is_walked():
    walked = _all_walked_urls()
    missing = [
        pattern
        for pattern in _patterns(get_resolver())
        if not pattern.startswith("admin/")
        and not (pattern.startswith("api/") and pattern not in {"api/openapi.json", "api/docs"})
        and not any(_as_regex(pattern).match(url) for url in walked)
    ]
    assert missing == [], f"URL sans ligne dans la table des droits : {missing}"


def test_every_api_operation_is_walked(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    walked = {url for url in _all_walked_urls() if url.startswith("/api/")}
    missing = [
        path
        for path in paths
        if not any(re.fullmatch(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(path)), url) for url in walked)
    ]
    assert missing == [], f"Opération d’API sans ligne dans une table des droits : {missing}"
