"""Every answer under /api/ is JSON, errors included."""

from django.http import JsonResponse

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
