"""Read a form as the browser would send it, from the page the user loaded (for lost-update tests)."""

import lxml.html


def form_from(response, form_id: str | None = None, *, action: str | None = None) -> dict:
    """The values the form ``form_id`` (or the form posting to ``action``) of ``response`` sends unchanged:
    name → value, or name → list of values for a multiple field."""
    page = lxml.html.fromstring(response.content.decode())
    if form_id is not None:
        form = page.get_element_by_id(form_id)
    else:
        form = next(f for f in page.forms if f.get("action") == action)
    values: dict = {}
    for name, value in _successful(form):
        if name in values:
            current = values[name]
            values[name] = (current if isinstance(current, list) else [current]) + [value]
        else:
            values[name] = value
    return values


def _successful(form):
    """(name, value) as a browser sends them: an input without value sends "", a textarea drops the one
    newline that follows its opening tag (lxml's ``form_values`` skips the first and keeps the second)."""
    for field in form.inputs:
        name = field.name
        if not name or "disabled" in field.attrib:
            continue
        if field.tag == "textarea":
            value = field.value or ""
            yield name, value[1:] if value.startswith("\n") else value
        elif field.tag == "select":
            if field.multiple:
                yield from ((name, value) for value in field.value)
            elif field.value is not None:
                yield name, field.value
        elif field.checkable:
            if field.checked:
                yield name, field.get("value", "on")
        elif field.type not in ("submit", "image", "reset", "file", "button"):
            yield name, field.value or ""
