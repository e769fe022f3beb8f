"""Every answer under /api/ is JSON, errors included; a write sent again with its ``Idempotency-Key`` is
answered once."""

from django.http import HttpResponse, JsonResponse

from santelocale.accounts.submissions import MAX_IDEMPOTENCY_KEY, Answer, KeyReused, answer_once

#: What each error status says when nothing more precise was given (by Django or ninja, in HTML or English).
_MESSAGES = {
    400: "Requête invalide.",
    403: "Accès refusé.",
    404: "Adresse inconnue de l’API (ou identifiant mal formé) : voir la documentation sur /api/docs.",
    405: "Méthode {method} non permise à cette adresse.",
    413: "Requête trop volumineuse.",
    500: "Erreur interne du serveur : l’équipe technique est prévenue.",
    503: "Service momentanément occupé : réessayez dans quelques secondes.",
}


class ApiJsonErrorsMiddleware:
    """Turn an error answered in HTML or plain text under /api/ into ``{"detail": "…"}`` in French.

    ninja answers JSON for the addresses it knows; this covers the rest: an address no route matches (a
    malformed id such as ``/api/contrats/not-a-uuid``, a typo), a method the address does not take (405,
    keeping its ``Allow`` header), and Django's own error pages.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path_info.startswith("/api/")
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        message = _MESSAGES.get(response.status_code, "Erreur {status}.")
        json = JsonResponse(
            {"detail": message.format(method=request.method, status=response.status_code)},
            status=response.status_code,
            json_dumps_params={"ensure_ascii": False},
        )
        for header in ("Allow", "Retry-After"):
            if response.has_header(header):
                json[header] = response[header]
        return json


IDEMPOTENCY_HEADER = "Idempotency-Key"
#: Writes that create (POST) or replace (PUT, PATCH): a DELETE sent twice already deletes once.
IDEMPOTENT_METHODS = {"POST", "PUT", "PATCH"}


def _json(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False})


class IdempotencyMiddleware:
    """An API write carrying an ``Idempotency-Key`` header (any text of up to 40 characters the client
    chooses, e.g. a UUID, new for each intended write) is handled once: sent again with the same key and
    the same body — after a timeout, a dropped connection — it gets the first answer back (header
    ``Idempotent-Replayed: true``) instead of creating a second object; with another body, a 422. Without
    the header nothing changes (``accounts.submissions.answer_once``). After the authentication middleware:
    the key belongs to the signed-in user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request.headers.get(IDEMPOTENCY_HEADER)
        if (
            token is None
            or request.method not in IDEMPOTENT_METHODS
            or not request.path_info.startswith("/api/")
        ):
            return self.get_response(request)
        token = token.strip()
        if not token or len(token) > MAX_IDEMPOTENCY_KEY or not token.isprintable():
            return _json(
                422,
                f"En-tête {IDEMPOTENCY_HEADER} invalide : de 1 à {MAX_IDEMPOTENCY_KEY} caractères "
                "imprimables (par exemple un UUID).",
            )

        def respond() -> Answer:
            response = self.get_response(request)
            return Answer(
                response.status_code, response.content.decode("utf-8", "replace"), response=response
            )

        try:
            answer = answer_once(token=token, body=request.body, user=request.user, respond=respond)
        except KeyReused:
            return _json(
                422,
                f"Cette clé {IDEMPOTENCY_HEADER} a déjà servi pour une autre requête : "
                "utilisez une nouvelle clé pour chaque écriture.",
            )
        if not answer.replayed:
            return answer.response
        replay = HttpResponse(answer.body, status=answer.status, content_type="application/json")
        replay["Idempotent-Replayed"] = "true"
        return replay
