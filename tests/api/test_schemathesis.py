"""Schemathesis over the OpenAPI document, anonymous and signed in as a coordinator with a contract: every
generated request (valid and invalid inputs) is answered without a server error, with a status code the
document lists for the operation, a JSON content type and a body that matches the documented schema.

Bounded and deterministic: a fixed number of examples per operation, derandomized (the same requests on
every run), no shrinking, no example database; a few hundred requests in all, on SQLite and PostgreSQL
like the rest of the suite.
"""

from collections import Counter

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from santelocale.contracts.enums import BodyKind
from santelocale.contracts.models import Body
from santelocale.indicators.services import add_indicator

pytestmark = pytest.mark.django_db

#: Examples per operation and generation mode (valid / invalid inputs): about 400 requests per run.
EXAMPLES = 4
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


class _InTestTransaction(WSGIHandler):
    """The project's WSGI application, answering inside the test's transaction.

    CSRF is not enforced here (ninja checks it on session writes, and tests/api/test_errors.py checks the
    refusal): generated writes reach the rules they exercise.
    """

    def get_response(self, request):
        request._dont_enforce_csrf_checks = True
        return super().get_response(request)


@pytest.fixture
def app():
    # Django closes "old" connections around each request; inside a test transaction that would drop it.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield _InTestTransaction()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _run(
    app, *, cookies: dict | None = None, path_parameters: dict | None = None
) -> tuple[list[str], Counter]:
    """Every failure found, one line each (operation, mode, what broke), and the statuses answered."""
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    failures = []
    statuses = Counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        known = {p.name for p in operation.path_parameters}
        fixed = {name: value for name, value in (path_parameters or {}).items() if name in known}
        takes_input = bool(operation.path_parameters or operation.query or operation.body)
        modes = (
            (GenerationMode.POSITIVE, GenerationMode.NEGATIVE) if takes_input else (GenerationMode.POSITIVE,)
        )
        for mode in modes:

            @settings(
                max_examples=EXAMPLES,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed or None))
            def check(case):
                response = case.call(cookies=cookies)
                statuses[response.status_code] += 1
                case.validate_response(response, checks=CHECKS)

            try:
                check()
            except Unsatisfiable:  # no invalid input can be built for this operation
                pass
            except (Exception, BaseExceptionGroup) as exc:  # every failure is reported, the run goes on
                summary = " ".join(str(exc).split())[:1500]
                failures.append(f"{operation.label} [{mode.value}] : {summary}")
    assert statuses.total() > 100
    return failures, statuses


@pytest.mark.slow
def test_the_api_answers_anonymous_requests_as_documented(app):
    failures, statuses = _run(app)
    assert not failures, "\n".join(failures)
    assert statuses[200] and statuses[401] and statuses[422]


@pytest.mark.slow
def test_the_api_answers_a_signed_in_coordinator_as_documented(app, client, alice, cls_draft):
    client.force_login(alice)
    cookies = {"sessionid": client.cookies["sessionid"].value}
    body = Body.objects.create(contract=cls_draft, kind=BodyKind.COPIL, name="COPIL")
    indicator = add_indicator(cls_draft, name="Personnes reçues", kind="PROCESS")
    parameters = {
        "public_id": str(cls_draft.public_id),
        "region_code": "76",
        "body_id": body.pk,
        "indicator_id": indicator.pk,
    }
    failures, statuses = _run(app, cookies=cookies, path_parameters=parameters)
    assert not failures, "\n".join(failures)
    assert statuses[201] and statuses[422] and not statuses[401], (
        statuses
    )  # signed in: writes reach the rules
