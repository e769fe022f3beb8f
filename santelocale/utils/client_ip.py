"""The client's IP address, for login throttling, trusting proxy headers only as far as settings say."""

from django.conf import settings


def client_ip(request) -> str:
    """Return the address the request came from.

    With no proxy (``PROXY_COUNT`` 0), ``REMOTE_ADDR``: X-Forwarded-For is ignored, any client can write it.
    Behind N proxies, each appends the address it received from to X-Forwarded-For, so the client's address
    is the N-th from the right (what a client wrote itself stands further left and is ignored); when the
    header is shorter than that, the left-most address.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.PROXY_COUNT
    if not count:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if not forwarded:
        return remote
    return forwarded[-count] if len(forwarded) >= count else forwarded[0]
