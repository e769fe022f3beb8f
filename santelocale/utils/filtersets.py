"""Declared filter sets (django-filter, after NetBox's ``filtersets.py``): the base class and the fields
that every app's ``filtersets.py`` declares its list's query parameters with (no models here).

One filter set per list, shared by its page, its downloads and its API, so that they accept and refuse the
same parameters and values. What differs is only what is done with a refused value, each read from
``warnings`` (French sentences, one per refused value, in the order the filters are declared):

- a page shows them above the results and ignores those values (the valid filters still apply);
- a download answers 400 with them (a file is never silently broader than asked);
- the API answers 422 with them (``api.schemas.refused``).

Every value is bounded: a code longer than ``FILTER_LENGTH`` is unknown without being looked up, a number
is checked against its range before any query, a search text is cut to ``MAX_QUERY_LENGTH`` (the API
refuses a longer one at its schema).
"""

import django_filters
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from santelocale.utils.bounds import FILTER_LENGTH, MAX_ID
from santelocale.utils.text import MAX_QUERY_LENGTH


def _raw(value) -> str:
    return str(value or "").strip()


class CodeField(forms.ModelChoiceField):
    """An object named by its code (a région « 76 », case ignored) or, with ``numeric``, by its id.

    An unknown value is refused with the ``invalid_choice`` message, whose ``%(value)s`` is the value as
    typed."""

    def __init__(self, *args, numeric: bool = False, **kwargs):
        self.numeric = numeric
        super().__init__(*args, **kwargs)

    def _unknown(self, raw: str) -> ValidationError:
        return ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": raw}
        )

    def to_python(self, value):
        raw = _raw(value)
        if not raw:
            return None
        if len(raw) > FILTER_LENGTH or (self.numeric and not (raw.isdigit() and 1 <= int(raw) <= MAX_ID)):
            raise self._unknown(raw)
        obj = self.queryset.filter(pk=raw if self.numeric else raw.upper()).first()
        if obj is None:
            raise self._unknown(raw)
        return obj

    def validate(self, value):
        forms.Field.validate(self, value)


class KeywordField(forms.ChoiceField):
    """One of ``choices``' values (groups allowed), case ignored; refused with the value as typed."""

    def clean(self, value):
        raw = _raw(value)
        if raw and not self.valid_value(raw.upper()):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": raw}
            )
        return raw.upper()


class WholeNumberField(forms.Field):
    """A whole number written with digits (``+``/``-`` allowed unless ``digits_only``) between
    ``min_value`` and ``max_value``: ``invalid`` when it is not one, ``out_of_range`` (``invalid`` unless
    given) outside the range; both messages may use ``%(value)s``, ``%(min)s`` and ``%(max)s``."""

    def __init__(self, *, min_value: int, max_value: int, digits_only: bool = False, **kwargs):
        self.min_value, self.max_value, self.digits_only = min_value, max_value, digits_only
        super().__init__(**kwargs)

    def clean(self, value):
        raw = _raw(value)
        if not raw:
            return None
        params = {"value": raw, "min": self.min_value, "max": self.max_value}
        if len(raw) > FILTER_LENGTH or (self.digits_only and not raw.isdigit()):
            raise ValidationError(self.error_messages["invalid"], code="invalid", params=params)
        try:
            number = int(raw)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid", params=params) from None
        if not self.min_value <= number <= self.max_value:
            message = self.error_messages.get("out_of_range", self.error_messages["invalid"])
            raise ValidationError(message, code="out_of_range", params=params)
        return number


class SearchTextField(forms.CharField):
    """A free text, stripped and cut to ``MAX_QUERY_LENGTH`` characters (searches read no further)."""

    def clean(self, value):
        return _raw(value)[:MAX_QUERY_LENGTH]


class CodeFilter(django_filters.Filter):
    """Keeps the rows whose ``field_name`` is the object a code (or, with ``numeric``, an id) names."""

    field_class = CodeField


class KeywordFilter(django_filters.Filter):
    """Keeps the rows whose ``field_name`` is the chosen value (one of ``choices``, case ignored)."""

    field_class = KeywordField


class WholeNumberFilter(django_filters.Filter):
    field_class = WholeNumberField


class SearchTextFilter(django_filters.Filter):
    field_class = SearchTextField


class FilterSet(django_filters.FilterSet):
    """A filter set whose refusals are French sentences (``warnings``).

    Each filter gives its own message (its field's ``error_messages``, with the value as typed); a filter
    set's ``clean(form, cleaned_data)`` checks what depends on several values (``form.add_error`` refuses
    a value; ``self.notes`` tells of a value kept but changed, such as a period put back in order).
    """

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data if data is not None else {}, queryset, **kwargs)
        self.notes: list[str] = []

    def get_form_class(self):
        filterset = self

        class Form(super().get_form_class()):
            def clean(form):
                cleaned_data = super().clean()
                filterset.clean(form, cleaned_data)
                return cleaned_data

        return Form

    def clean(self, form, cleaned_data: dict) -> None:
        """Check what depends on several values (nothing by default)."""

    @property
    def warnings(self) -> list[str]:
        """What was refused (and what was changed), in French; empty when every value is accepted."""
        errors = self.form.errors
        names = [*self.filters, NON_FIELD_ERRORS]
        return [str(message) for name in names for message in errors.get(name, [])] + self.notes

    @property
    def values(self) -> dict:
        """The accepted values, by parameter name; a refused or empty one is left out."""
        self.form.is_valid()
        return {name: value for name, value in self.form.cleaned_data.items() if value not in (None, "")}
