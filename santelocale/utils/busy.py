"""A busy database answers « 503 Service indisponible, réessayez » (with ``Retry-After``), never a 500.

On SQLite one writer holds the write lock at a time; a writer that waited ``timeout`` seconds (see the
``DATABASES`` options) gets ``OperationalError: database is locked``. On PostgreSQL a request waiting for
a row lock (a contract or a région locked by a long import or another user's save) stops after
``lock_timeout`` (``DATABASE_LOCK_TIMEOUT`` seconds, 20 by default), and two transactions may deadlock or
fail to serialise: SQLSTATE 55P03, 40P01, 40001. None of these is a bug of the request: the user may
simply retry. ``DatabaseBusyMiddleware`` (first in ``MIDDLEWARE``) answers it in French, as an HTML page
or, under /api/, as JSON: from a view through ``process_exception``, and from any other middleware (a
session saved after a login, say) through the ``got_request_exception`` signal, which marks the request
so that the 500 built further in is replaced on its way out.
"""

import logging

from django.core.signals import got_request_exception
from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

#: Seconds a client is asked to wait before retrying.
RETRY_AFTER = 5
DETAIL = (
    "La base de données est momentanément occupée par une autre opération (un import, par exemple) : "
    "rien n’a été enregistré. Réessayez dans quelques secondes."
)
_MARK = "_santelocale_database_busy"
logger = logging.getLogger(__name__)


#: PostgreSQL's SQLSTATEs for « try again »: lock_not_available, deadlock_detected, serialization_failure.
RETRYABLE_SQLSTATES = frozenset({"55P03", "40P01", "40001"})


def is_database_busy(exc: BaseException | None) -> bool:
    """Whether ``exc`` says that a lock could not be had in time (SQLite's « database is locked » /
    « database table is locked »; PostgreSQL's lock timeout, deadlock or serialisation failure), i.e. a
    retry may succeed."""
    if not isinstance(exc, OperationalError):
        return False
    if getattr(exc.__cause__, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    text = str(exc).lower()
    return "database is locked" in text or "database table is locked" in text


def busy_response(request) -> HttpResponse:
    """The French 503 for ``request``: JSON ``{"detail": …}`` under /api/, else the 503 page."""
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": DETAIL}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"detail": DETAIL}), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


def _mark_busy_request(sender, request=None, **kwargs):
    import sys

    if request is not None and is_database_busy(sys.exc_info()[1]):
        setattr(request, _MARK, True)


got_request_exception.connect(_mark_busy_request, dispatch_uid="santelocale-database-busy")


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, _MARK, False) and response.status_code >= 500:
            return busy_response(request)
        return response

    def process_exception(self, request, exception):
        if is_database_busy(exception):
            logger.warning("Base de données occupée : %s %s → 503", request.method, request.path)
            return busy_response(request)
        return None
