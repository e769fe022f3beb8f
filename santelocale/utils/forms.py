"""Form helpers shared by the apps (no models here)."""

import uuid
import warnings

from django import forms
from dsfr.forms import DsfrBaseForm

from santelocale.utils.idempotency import create_once


class Form(DsfrBaseForm):
    """A DSFR-rendered form that marks the optional fields (« facultatif »), as the DSFR recommends.

    Required-field messages are French (Django's translation) and dates are entered as ``JJ/MM/AAAA`` or
    with the browser's date picker.
    """

    def get_context(self):
        # django-dsfr warns about its transitional default; we choose the future behaviour explicitly.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            context = super(DsfrBaseForm, self).get_context()
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label: str, *, required: bool = False, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text=help_text,
        error_messages={"invalid": "Date invalide : utilisez le format JJ/MM/AAAA."},
    )


def _new_token() -> str:
    return uuid.uuid4().hex


class CreationForm(forms.Form):
    """Mixin of every creation form: a random hidden token, so that the form sent twice (a double click)
    creates one object (``santelocale.utils.idempotency.create_once``)."""

    submission_token = forms.CharField(
        widget=forms.HiddenInput, required=False, max_length=64, initial=_new_token
    )

    def create_once(self, request, create):
        """``create()`` once for this form's token and values: ``(obj, created)``."""
        token = self.cleaned_data.get("submission_token", "") if hasattr(self, "cleaned_data") else ""
        return create_once(token=token, data=self.data, user=request.user, create=create)


class VersionedForm(forms.Form):
    """Mixin of every edit form: the hidden ``version`` the user read (``santelocale.utils.versioning``).

    On a conflict, ``show_conflict`` keeps the user's input, lists their values next to the current ones
    field by field, and carries the current version, so sending the form again replaces them on purpose.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1)
    conflict_rows: list = ()

    def show_conflict(self, conflict, submitted: dict) -> None:
        labels = {name: str(field.label) for name, field in self.fields.items() if field.label}
        self.conflict_rows = conflict.rows(submitted, labels=labels)
        self.conflict_message = conflict.message
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = str(conflict.current.version)
