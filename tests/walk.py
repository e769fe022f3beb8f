"""Walking URLs with personas: each test package declares a table URL → expected answer per persona.

``WALK_MODULES`` lists the modules holding such tables; each exposes ``sample_urls()`` (every URL it walks,
with any sample identifiers) so that ``tests/test_url_walk.py`` can check that no URL pattern and no API
operation is left out.
"""

from http.cookies import SimpleCookie

from django.conf import settings

OK, LOGIN, DENIED, REDIRECT, NOT_FOUND = 200, "login", 403, 302, 404
DOCUMENT_SUFFIXES = (".pdf", ".docx", ".xlsx")

WALK_MODULES = [
    "tests.test_url_walk",
    "tests.contracts.test_url_walk_contracts",
    "tests.contracts.test_url_walk_governance",
    "tests.contracts.test_api_walk",
    "tests.observatory.test_url_walk_observatory",
    "tests.plans.test_url_walk_plans",
]


def walk(client, personas: dict, table: dict, request):
    """Call ``request(url)`` for every URL of ``table`` as every persona and check the answer.

    ``personas`` maps a name to a user (or ``None`` for the public), in the order of the table's columns.
    Each persona signs in once: its session cookie is put back on ``client`` before each of its requests
    (signing in for each request was a fifth of a walk); a request that changes the cookie (signing out,
    a new session) makes the persona sign in again the next time.
    """
    name = settings.SESSION_COOKIE_NAME
    sessions = {}
    for url, expectations in table.items():
        for (persona, user), expected in zip(personas.items(), expectations, strict=True):
            client.cookies = SimpleCookie()
            if user is not None:
                if persona not in sessions:
                    client.force_login(user)
                    sessions[persona] = client.cookies[name].value
                client.cookies[name] = sessions[persona]
            response = request(url)
            cookie = client.cookies.get(name)
            if user is not None and (cookie is None or cookie.value != sessions[persona]):
                del sessions[persona]
            if expected == LOGIN:
                assert response.status_code == 302 and "/comptes/connexion/" in response["Location"], (
                    url,
                    persona,
                    response.status_code,
                )
            else:
                assert response.status_code == expected, (url, persona, response.status_code)


def reading(client):
    """``client.get``, except for documents (PDF, Word, Excel): HEAD, which the download views answer after
    the same access check without building the document. A walk checks who may download; the document tests
    (tests/plans/test_documents.py) check what is in them."""

    def request(url):
        return (client.head if url.endswith(DOCUMENT_SUFFIXES) else client.get)(url)

    return request
