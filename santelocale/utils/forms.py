"""Form helpers shared by the apps (no models here)."""

import warnings

from django import forms
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from dsfr.forms import DsfrBaseForm

from santelocale.utils.bounds import LONG_TEXT, MAX_ID

#: The range of an integer column (PostgreSQL's ``integer``, the narrower of the two databases).
INTEGER_RANGE = (-(2**31), 2**31 - 1)


class TextLengthValidator(MaxLengthValidator):
    """``MaxLengthValidator`` measured on the text of the cleaned value: a text field may clean to another
    type (``AmountField`` gives a Decimal), which has no ``len``."""

    def clean(self, x):
        return len(str(x))


def _refuse_overflow(field: forms.ModelChoiceField):
    """Wrap ``field.clean`` so that an id past 64 bits is an invalid choice, not a database overflow."""
    clean = field.clean

    def bounded_clean(value):
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            text = str(item or "").strip()
            if text.lstrip("-").isdigit() and not 0 < int(text) <= MAX_ID:
                raise forms.ValidationError(
                    "Choix invalide : cet identifiant n’existe pas.", code="invalid_choice"
                )
        return clean(value)

    field.clean = bounded_clean


def bound_fields(form: forms.BaseForm) -> None:
    """Give every field of ``form`` a bound its column can hold, when it was declared without one.

    A text field without ``max_length`` gets 20,000 characters (text columns; varchar fields declare their
    own length, see tests/test_consistency.py), an integer field the range of an integer column, a choice
    of objects refuses ids past 64 bits. Django's ``CharField`` already refuses NUL bytes. Without these,
    « 1e20 » people or scripts type became a 500 (SQLite: integer overflow) or a truncated value.
    """
    for field in form.fields.values():
        if isinstance(field, forms.CharField) and field.max_length is None:
            field.max_length = LONG_TEXT
            field.validators.append(TextLengthValidator(LONG_TEXT))
        elif isinstance(field, forms.IntegerField) and not isinstance(
            field, forms.DecimalField | forms.FloatField
        ):
            low, high = INTEGER_RANGE
            if field.min_value is None:
                field.min_value = low
                field.validators.append(MinValueValidator(low))
            if field.max_value is None:
                field.max_value = high
                field.validators.append(MaxValueValidator(high))
        elif isinstance(field, forms.ModelChoiceField):
            _refuse_overflow(field)


class BoundedFieldsMixin:
    """A form whose fields are bounded by :func:`bound_fields` (mix into a plain ``forms.Form``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_fields(self)


class Form(BoundedFieldsMixin, DsfrBaseForm):
    """A DSFR-rendered form that marks the optional fields (« facultatif »), as the DSFR recommends.

    Required-field messages are French (Django's translation) and dates are entered as ``JJ/MM/AAAA`` or
    with the browser's date picker. Every field is bounded (:func:`bound_fields`).
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


class VersionedForm(forms.Form):
    """Mixin of every edit form: the hidden ``version`` the user read (``santelocale.utils.versioning``).

    On a conflict, ``show_conflict`` keeps the user's input, lists their values next to the current ones
    field by field, and carries the current version, so sending the form again replaces them on purpose.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1)
    conflict_rows: list = ()

    @classmethod
    def of(cls, obj, **kwargs):
        """The form filled with ``obj`` as stored and its version, for the forms whose fields declare
        ``initial_of(obj)`` (the governance forms, the fiche's quick update)."""
        return cls(initial={**cls.initial_of(obj), "version": obj.version}, **kwargs)

    def show_conflict(self, conflict, submitted: dict) -> None:
        labels = {name: str(field.label) for name, field in self.fields.items() if field.label}
        self.conflict_rows = conflict.rows(submitted, labels=labels)
        self.conflict_message = conflict.message
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = str(conflict.current.version)
