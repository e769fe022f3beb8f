"""French error pages (400, 403, CSRF failure, 404, 500) and a log of refusals without tracebacks.

Django's own pages are English (the CSRF failure page above all) and its 404 messages from
``get_object_or_404`` are too ("No Contract matches the given query."): our pages say it in French and show
an exception's message only when it is one of ours.
"""

import logging
import re
from dataclasses import dataclass

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import requires_csrf_token

DJANGO_ENGLISH_404 = re.compile(r"^No .* (matches the given query|found matching the query)")


def _message(exception) -> str:
    """The exception's message if it is a sentence of ours (a string), else ""."""
    if exception is None or not exception.args or not isinstance(exception.args[0], str):
        return ""
    text = exception.args[0]
    return "" if DJANGO_ENGLISH_404.match(text) else text


@requires_csrf_token
def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return render(request, "403.html", {"message": _message(exception)}, status=403)


@dataclass(frozen=True)
class NotFoundHint:
    """What a 404 page suggests for the addresses under ``prefix``: a sentence and a way on."""

    prefix: str
    text: str
    link_label: str
    url_name: str
    #: said to a visitor who is not signed in (a draft is shown to its parties only)
    anonymous_text: str = ""


NOT_FOUND_HINTS = (
    NotFoundHint(
        "/contrats/",
        "Ce contrat n’existe pas, ou il est en projet et réservé à ses parties (collectivités porteuses, "
        "ARS, signataires confirmés, pilotes de ses fiches).",
        "Voir les contrats",
        "contracts:list",
        "Si vous êtes partie à ce contrat, connectez-vous pour le voir.",
    ),
    NotFoundHint(
        "/fiches/",
        "Cette fiche action n’existe pas, a été supprimée, ou appartient à un contrat qui ne vous est pas "
        "accessible.",
        "Rechercher une fiche action",
        "plans:search",
    ),
    NotFoundHint(
        "/perimetres/",
        "Ce périmètre n’existe pas ou a été supprimé.",
        "Voir les périmètres",
        "territories:perimeter_list",
    ),
    NotFoundHint(
        "/territoires/",
        "Aucun territoire ne porte ce code dans le Code officiel géographique 2026 (une commune fusionnée "
        "ou un ancien code n’y figurent plus).",
        "Rechercher un territoire",
        "territories:search",
    ),
)
GENERIC_HINT = NotFoundHint(
    "/", "Vérifiez l’adresse de la page.", "Rechercher un territoire", "territories:search"
)


def not_found_hint(path: str) -> NotFoundHint:
    """The hint of the first prefix ``path`` starts with (the generic one otherwise)."""
    return next((hint for hint in NOT_FOUND_HINTS if path.startswith(hint.prefix)), GENERIC_HINT)


@requires_csrf_token
def page_not_found(request, exception=None):
    hint = not_found_hint(request.path)
    context = {
        "message": _message(exception),
        "hint": hint,
        "hint_url": reverse(hint.url_name),
        "sign_in": hint.anonymous_text if not request.user.is_authenticated else "",
    }
    return render(request, "404.html", context, status=404)


def server_error(request):
    # A plain page that needs no context (nor the database) to render: it must work when nothing else does.
    return render(request, "500.html", status=500)


def csrf_failure(request, reason=""):
    """The page shown when a form comes back without a valid CSRF token (CSRF_FAILURE_VIEW): expired page,
    cookies refused, or a form posted from another site."""
    return render(request, "403_csrf.html", status=403)


FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def carries_nul(request) -> bool:
    """True when the request's address, query or form fields hold a NUL byte (uploaded files aside)."""
    if "\x00" in request.path_info:
        return True
    fields = [request.GET]
    if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
        fields.append(request.POST)
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for data in fields
        for key, values in data.lists()
    )


class RefuseNulBytesMiddleware:
    """Answer 400 (the French page; JSON under /api/) to a request carrying a NUL byte in its address, its
    query or a form field, before any view reads it.

    PostgreSQL refuses text holding one, so a filter, a code in an address or a choice field reaching a
    query with it was a server error there, and SQLite would store it; no legitimate input carries one.
    JSON bodies are refused by the API's schemas (utils/bounds)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if carries_nul(request):
            return bad_request(request)
        return self.get_response(request)


class OneLine403Filter(logging.Filter):
    """Logs a refused request (403) as its one line, without the traceback Django attaches to it: a
    refusal is the permission rules working, not a fault. Other records, 500s above all, are untouched."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
