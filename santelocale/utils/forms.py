"""Form helpers shared by the apps (no models here)."""

import warnings

from django import forms
from dsfr.forms import DsfrBaseForm


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
