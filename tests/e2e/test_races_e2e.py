"""Check-then-act races (issue 9, point 5), reproduced with real simultaneous requests against the served
instance (gunicorn, two workers, its own database), run by `make test` on SQLite and on PostgreSQL.

Each scenario is played over several rounds: requests leave together from a barrier, so the checks of
two of them overlap; before the fix each round could create several objects (or answer 500), now exactly
one is created and the others get a French 422 — or, for a form sent twice, the first result.
"""

import functools
import http.cookiejar
import itertools
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.e2e.conftest import DEMO_ARS_DELEGATION, DEMO_COORDINATOR, DEMO_PASSWORD

# On SQLite (the end-to-end run) and on PostgreSQL: SQLite serialises writes, so only PostgreSQL lets the
# checks of simultaneous requests overlap as they do in production (row locks, unique indexes waited on).
pytestmark = [pytest.mark.e2e, pytest.mark.postgres_also]

ROUNDS = 3
TOGETHER = 4
DEMO_ARS_ADMIN = "ars-admin@demo.santelocale.test"
_communes = itertools.count(81010)  # Tarn communes no demo contract occupies alone


class Session:
    """A signed-in user of the served instance, whose requests may be sent from several threads."""

    def __init__(self, base: str, email: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        page = self.get("/comptes/connexion/")
        status, _, _ = self.post_form(
            "/comptes/connexion/",
            {"csrfmiddlewaretoken": _token(page), "username": email, "password": DEMO_PASSWORD},
        )
        assert status == 302, f"connexion refusée pour {email}"
        self.csrf = _token(self.get("/contrats/nouveau/"))

    def _send(self, request):
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def get(self, path: str) -> str:
        return self._send(urllib.request.Request(self.base + path))[2]

    def post_form(self, path: str, data: dict):
        body = urllib.parse.urlencode(data, doseq=True).encode()
        request = urllib.request.Request(self.base + path, data=body, method="POST")
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        request.add_header("Referer", self.base + path)
        return self._send(request)

    def api(self, method: str, path: str, payload: dict, headers: dict | None = None):
        request = urllib.request.Request(self.base + path, data=json.dumps(payload).encode(), method=method)
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        request.add_header("Content-Type", "application/json")
        request.add_header("X-CSRFToken", self.csrf)
        request.add_header("Referer", self.base + path)
        status, _, body = self._send(request)
        return status, (json.loads(body) if body.startswith(("{", "[")) else body)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def together(count: int, call, *args):
    """Run ``call(*args)`` ``count`` times at the same moment (one thread each, released by a barrier);
    the results."""
    calls = [functools.partial(call, *args)] * count
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.fixture(scope="module")
def coordinator(live_url):
    return Session(live_url, DEMO_COORDINATOR)


@pytest.fixture(scope="module")
def ars(live_url):
    return Session(live_url, DEMO_ARS_DELEGATION)


@pytest.fixture(scope="module")
def albi_id(coordinator):
    """The demo coordinator's collectivité (porteur of the contracts created here)."""
    listing = json.loads(coordinator.get("/api/contrats"))
    for summary in listing:
        if "Ville d’Albi" in summary["porteurs"]:
            detail = json.loads(coordinator.get(f"/api/contrats/{summary['id']}"))
            return next(o["id"] for o in detail["porteur_organisations"] if o["name"] == "Ville d’Albi")
    pytest.fail("La démo n’a aucun contrat porté par la Ville d’Albi.")


def _new_perimeter(session) -> str:
    code = str(next(_communes))
    status, body = session.api("POST", "/api/perimetres", {"name": f"Périmètre course {code}", "codes": code})
    assert status == 201, body
    return body["id"]


def _contract_payload(perimeter: str, albi_id: int, **extra) -> dict:
    return {
        "kind": "CLSM",
        "name": "CLSM (course)",
        "perimeter": perimeter,
        "region": "76",
        "department": "81",
        "porteurs": [albi_id],
        **extra,
    }


def _statuses(results) -> list[int]:
    return sorted(status for status, _ in results)


def test_simultaneous_creations_on_one_new_perimeter_make_one_contract(coordinator, albi_id):
    for _ in range(ROUNDS):
        perimeter = _new_perimeter(coordinator)
        payload = _contract_payload(perimeter, albi_id)
        results = together(TOGETHER, coordinator.api, "POST", "/api/contrats", payload)
        assert _statuses(results) == [201] + [422] * (TOGETHER - 1), results
        refusals = [body["detail"] for status, body in results if status == 422]
        assert all("Un CLSM est déjà en cours sur ce périmètre" in detail for detail in refusals)


def _signed_contract(ars, albi_id) -> str:
    payload = _contract_payload(
        _new_perimeter(ars),
        albi_id,
        kind="CLS",
        name="CLS signé (course)",
        status="SIGNED",
        signed_on="2024-01-10",
        starts_on="2024-01-10",
    )
    status, body = ars.api("POST", "/api/contrats", payload)
    assert status == 201, body
    return body["id"]


def test_simultaneous_renewals_make_one_next_generation(ars, albi_id):
    for _ in range(ROUNDS):
        contract = _signed_contract(ars, albi_id)
        path = f"/api/contrats/{contract}/renouvellement"
        results = together(TOGETHER, ars.api, "POST", path, {"name": "CLS 2e génération (course)"})
        assert _statuses(results) == [201] + [422] * (TOGETHER - 1), results
        detail = json.loads(ars.get(f"/api/contrats/{contract}"))
        assert len(detail["renewals"]) == 1


def test_identical_signatories_sent_together_are_recorded_once(ars, albi_id):
    for round_ in range(ROUNDS):
        contract = _signed_contract(ars, albi_id)
        path = f"/api/contrats/{contract}/signataires"
        payload = {"kind": "CPAM", "name": f"CPAM du Tarn {round_}"}
        results = together(TOGETHER, ars.api, "POST", path, payload)
        assert _statuses(results) == [201] + [422] * (TOGETHER - 1), results
        assert all("figure déjà parmi les signataires" in b["detail"] for s, b in results if s == 422)


def test_identical_socles_sent_together_are_created_once(live_url):
    admin = Session(live_url, DEMO_ARS_ADMIN)
    for round_ in range(ROUNDS):
        payload = {"label": f"Socle de course {round_}"}
        results = together(TOGETHER, admin.api, "POST", "/api/contrats/socles/76", payload)
        assert _statuses(results) == [201] + [422] * (TOGETHER - 1), results
        assert all("existe déjà" in body["detail"] for status, body in results if status == 422)


def test_a_double_click_on_new_fiche_creates_one_fiche(coordinator, albi_id):
    status, contract = coordinator.api(
        "POST", "/api/contrats", _contract_payload(_new_perimeter(coordinator), albi_id)
    )
    assert status == 201, contract
    path = f"/contrats/{contract['id']}/plan/fiches/nouvelle/"
    form_page = coordinator.get(path)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form_page))
    assert fields.get("submission_token"), "le formulaire de fiche porte un jeton d’envoi"
    form = {
        "csrfmiddlewaretoken": _token(form_page),
        "submission_token": fields["submission_token"],
        "title": "Fiche du double clic",
        "progress_mode": "ENTERED",
        "weight": "1",
    }
    for _ in range(ROUNDS):
        results = together(2, coordinator.post_form, path, form)
        assert [status for status, _, _ in results] == [302, 302], [r[2][:500] for r in results]
        locations = {headers["Location"] for _, headers, _ in results}
        assert len(locations) == 1  # both clicks lead to the same fiche
    plan = json.loads(coordinator.get(f"/api/plans/{contract['id']}"))
    assert [fiche["title"] for fiche in plan["unassigned"]] == ["Fiche du double clic"]


def test_an_api_write_sent_together_with_one_idempotency_key_is_written_once(coordinator, albi_id):
    """A client retrying while its first request still runs: every copy gets the one answer."""
    status, contract = coordinator.api(
        "POST", "/api/contrats", _contract_payload(_new_perimeter(coordinator), albi_id, kind="CLS")
    )
    assert status == 201, contract
    path = f"/api/contrats/{contract['id']}/contacts"
    for round_ in range(ROUNDS):
        payload = {"role": "OTHER", "name": f"Contact (course {round_})", "organisation": "Ville d’Albi"}
        key = {"Idempotency-Key": f"course-{contract['id'][:8]}-{round_}"}
        results = together(TOGETHER, coordinator.api, "POST", path, payload, key)
        assert _statuses(results) == [201] * TOGETHER, results
        assert len({body["id"] for _, body in results}) == 1
        detail = json.loads(coordinator.get(f"/api/contrats/{contract['id']}"))
        assert [c["name"] for c in detail["contacts"]].count(payload["name"]) == 1


def test_two_chairs_seated_together_make_one_chair(coordinator, albi_id):
    for round_ in range(ROUNDS):
        status, contract = coordinator.api(
            "POST", "/api/contrats", _contract_payload(_new_perimeter(coordinator), albi_id)
        )
        assert status == 201, contract
        status, body = coordinator.api(
            "POST", f"/api/contrats/{contract['id']}/instances", {"kind": "COPIL", "name": f"COPIL {round_}"}
        )
        assert status == 201, body
        path = f"/api/contrats/{contract['id']}/instances/{body['id']}/membres"
        results = together(
            TOGETHER, coordinator.api, "POST", path, {"person": "Mme la maire", "role": "CHAIR"}
        )
        assert _statuses(results) == [201] + [422] * (TOGETHER - 1), results
        assert all("déjà une présidence" in b["messages"][0] for s, b in results if s == 422)
