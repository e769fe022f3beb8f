from django import forms

from santelocale.utils.forms import BoundedFieldsMixin


class PerimeterForm(BoundedFieldsMixin, forms.Form):
    """Name and description of a perimeter; its territories come as ``component`` values or pasted codes."""

    name = forms.CharField(
        label="Nom du périmètre", max_length=255, error_messages={"required": "Donnez un nom au périmètre."}
    )
    description = forms.CharField(
        label="Description (facultatif)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    codes = forms.CharField(
        label="Ou collez des codes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Codes INSEE de communes, SIREN d’EPCI, codes de départements ou de QPV, séparés par des "
        "virgules, des espaces ou des retours à la ligne.",
    )
