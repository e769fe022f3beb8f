"""A creation form sent twice creates one object.

Every creation form carries a random hidden ``submission_token`` (``CreationForm``). The view wraps
its creating service in ``form.create_once``: the token and a digest of the submitted fields are written
in a ``FormSubmission`` row (unique key) in the same transaction as the object. A second identical POST —
a double click, or the browser resending — finds the row and gets the first object back (on PostgreSQL
it waits on the unique index until the first request commits or rolls back; on SQLite the IMMEDIATE
transaction already serializes them). A refused creation rolls its row back, so the user can fix the
form and send it again; a form sent again *changed* (same token, other values) is a new creation.

An API write gets the same guarantee from an ``Idempotency-Key`` header (``answer_once``, called by
``santelocale.api.middleware.IdempotencyMiddleware``): a client that sends a request again — it timed out,
the connection dropped — with the same key and the same body gets the first answer back instead of a
second object; the same key with another body is refused.

It lives in accounts, beside its ``FormSubmission`` model (``utils`` holds no model and imports none);
every app whose pages create objects sits above accounts.
"""

import datetime
import hashlib
import uuid
from dataclasses import dataclass

from django import forms
from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from santelocale.accounts.models import FormSubmission

TOKEN_FIELD = "submission_token"
#: how long a handled form is remembered (a day covers any double click or resend)
KEEP = datetime.timedelta(days=1)


def submission_key(token: str, data) -> str:
    """The token with a digest of the submitted values (the CSRF token and the token itself left out)."""
    items = []
    for name in sorted(data.keys()):
        if name == "csrfmiddlewaretoken" or name.endswith(TOKEN_FIELD):
            continue
        values = data.getlist(name) if hasattr(data, "getlist") else [data[name]]
        items.append(f"{name}={'|'.join(str(v) for v in values)}")
    digest = hashlib.sha256("\n".join(items).encode()).hexdigest()[:64]
    return f"{token[:60]}:{digest}"


def _find(model_label: str, pk: str):
    if not model_label:
        return None
    model = apps.get_model(model_label)
    return model._base_manager.filter(pk=pk).first()


def _claim(key: str, user) -> tuple[FormSubmission | None, FormSubmission | None]:
    """``(new row, None)`` when ``key`` is new, written in the caller's transaction; ``(None, first row)``
    when a request already handled it (a concurrent one is waited for on the unique index)."""
    owner = user if getattr(user, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            return FormSubmission.objects.create(key=key, user=owner), None
    except IntegrityError:
        return None, FormSubmission.objects.get(key=key)


def create_once(*, token: str, data, user, create):
    """Run ``create()`` once per (token, submitted values); return ``(obj, created)``.

    Without a token (an API call, an old page) it simply creates. With a token already handled, returns
    the object the first request created (``None`` if it has been deleted since) and ``created=False``.
    Exceptions of ``create`` propagate and nothing is kept, so the same form can be sent again.
    """
    token = (token or "").strip()
    if not token:
        return create(), True
    with transaction.atomic():
        submission, first = _claim(submission_key(token, data), user)
        if first is not None:
            return _find(first.result_model, first.result_pk), False
        obj = create()
        submission.result_model = obj._meta.label if obj is not None else ""
        submission.result_pk = str(obj.pk) if obj is not None else ""
        submission.save(update_fields=["result_model", "result_pk"])
        FormSubmission.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    return obj, True


#: Longest ``Idempotency-Key`` accepted (the key is stored with the user's id and a digest of the body).
MAX_IDEMPOTENCY_KEY = 40


@dataclass
class Answer:
    """An API answer to give (again): its status and JSON body; ``response``, the view's own answer when it
    was just given; ``replayed`` when it is the first answer given again (rebuilt from what was kept)."""

    status: int
    body: str
    replayed: bool = False
    response: object = None


class KeyReused(Exception):
    """The ``Idempotency-Key`` was already used by this user for a request with another body."""


def answer_once(*, token: str, body: bytes, user, respond) -> Answer:
    """Run ``respond()`` (the API view: an ``Answer``) once per (user, ``token``, ``body``), in one
    transaction with the record of the key.

    A successful answer (2xx) is kept a day and given back (``replayed``) to the same request sent again,
    which waits for the first one to finish (the key's unique row). Any other answer keeps nothing and
    writes nothing — a refused request may be corrected and sent again with the same key. The same key with
    another body raises ``KeyReused``.
    """
    owner = user if getattr(user, "is_authenticated", False) else None
    # The key hashed: any text the client chose fits, and no key is the start of another.
    prefix = f"api:{owner.pk if owner else '-'}:{hashlib.sha256(token.encode()).hexdigest()[:24]}:"
    with transaction.atomic():
        submission, first = _claim(prefix + hashlib.sha256(body).hexdigest()[:64], user)
        if first is not None:
            return Answer(first.response_status, first.response_body, replayed=True)
        if FormSubmission.objects.filter(key__startswith=prefix).exclude(pk=submission.pk).exists():
            transaction.set_rollback(True)
            raise KeyReused
        answer = respond()
        if 200 <= answer.status < 300:
            submission.response_status = answer.status
            submission.response_body = answer.body
            submission.save(update_fields=["response_status", "response_body"])
            FormSubmission.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
        else:
            transaction.set_rollback(True)  # nothing kept, nothing half-written
    return answer


def _new_token() -> str:
    return uuid.uuid4().hex


class CreationForm(forms.Form):
    """Mixin of every creation form: a random hidden token, so that the form sent twice (a double click)
    creates one object (``create_once``)."""

    submission_token = forms.CharField(
        widget=forms.HiddenInput, required=False, max_length=64, initial=_new_token
    )

    def create_once(self, request, create):
        """``create()`` once for this form's token and values: ``(obj, created)``."""
        token = self.cleaned_data.get("submission_token", "") if hasattr(self, "cleaned_data") else ""
        return create_once(token=token, data=self.data, user=request.user, create=create)
