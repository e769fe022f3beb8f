"""Optimistic locking: a ``version`` on every object users edit, checked and bumped at save.

Two people can open the same form; without a check, the one who saves last silently reverts the other's
change (a lost update). Every edited model inherits ``Versioned``:

- each save of an existing row locks it (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the IMMEDIATE
  transaction already holds the database's write lock), reads its version and writes ``version + 1``, so
  the version moves on every write, whoever makes it;
- a service that saves what a user *submitted* passes ``expected_version`` (the version the user's form or
  API read): if the row has moved since, ``VersionConflict`` is raised before anything is written —
  nothing is overwritten and django-simple-history records nothing (its record is written by the save
  that never happens);
- ``VersionConflict.rows(submitted)`` lists, field by field, the user's values next to the current ones,
  for the page (``templates/_version_conflict.html``) or the API (409 with the current object).

This module defines an abstract model (no table), shared by the apps like the other helpers here.
"""

import datetime
from decimal import Decimal

from django.db import models, transaction

from santelocale.utils import fr


class VersionConflict(Exception):
    """The object changed since the user read it: ``current`` is the object as it is now (freshly read)."""

    def __init__(self, current, *, submitted_version: int | None, noun: str = ""):
        self.current = current
        self.submitted_version = submitted_version
        noun = noun or f"l’objet « {current._meta.verbose_name} »"
        if submitted_version is None:
            what = f"{noun} « {current} » existe déjà (version {current.version})"
        else:
            what = (
                f"{noun} « {current} » a été modifié·e par quelqu’un d’autre depuis que vous l’avez "
                f"ouvert·e (version {submitted_version} lue, version {current.version} enregistrée)"
            )
        self.message = (
            f"Modification refusée : {what}. Rien n’a été écrasé : comparez vos valeurs aux valeurs "
            "actuelles, puis renvoyez le formulaire si vous voulez bien remplacer les valeurs actuelles."
        )
        super().__init__(self.message)

    @property
    def messages(self) -> list[str]:
        return [self.message]

    def rows(self, submitted: dict, *, labels: dict | None = None) -> list[dict]:
        """The fields whose submitted value differs from the current one: ``label``, ``yours``,
        ``current`` (texts as users read them), in ``submitted``'s order."""
        return differences(self.current, submitted, labels=labels)


def display_value(value, field=None) -> str:
    """A stored or submitted value as users read it (choices by their label, dates in French)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (list, tuple, set, frozenset)) or hasattr(value, "all"):
        items = list(value.all()) if hasattr(value, "all") else list(value)
        return ", ".join(sorted(str(item) for item in items)) or "—"
    if isinstance(value, datetime.date):
        return fr.short_date(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def _comparable(value):
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value.strip().replace("\r\n", "\n")
    if isinstance(value, (list, tuple, set, frozenset)) or hasattr(value, "all"):
        items = list(value.all()) if hasattr(value, "all") else list(value)
        return frozenset(getattr(item, "pk", item) for item in items)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal):
        return value.normalize()
    return value


def differences(current, submitted: dict, *, labels: dict | None = None) -> list[dict]:
    """Field-by-field comparison of ``submitted`` (name → value) with ``current``'s values."""
    labels = labels or {}
    rows = []
    for name, yours in submitted.items():
        if name == "version":
            continue
        try:
            field = current._meta.get_field(name)
        except Exception:  # a value with no field of that name (e.g. computed): compare the attribute
            field = None
        mine = getattr(current, name, None)
        if _comparable(mine) == _comparable(yours):
            continue
        label = labels.get(name) or (str(field.verbose_name) if field is not None else name)
        rows.append(
            {
                "name": name,
                "label": label[:1].upper() + label[1:],
                "yours": display_value(yours, field),
                "current": display_value(mine, field),
            }
        )
    return rows


class Versioned(models.Model):
    """Mixin of every model users edit: ``version`` starts at 1 and moves on every save (see module)."""

    version = models.PositiveIntegerField("version", default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, expected_version: int | None = None, **kwargs):
        """Save, bumping ``version``; with ``expected_version``, refuse (``VersionConflict``) when the row
        has moved since the user read it. Runs in a transaction (the caller's, if any)."""
        if self._state.adding or self.pk is None:
            self.version = 1
            return super().save(*args, **kwargs)
        with transaction.atomic():
            manager = type(self)._base_manager
            stored = manager.select_for_update().filter(pk=self.pk).values_list("version", flat=True).first()
            if stored is None:  # deleted meanwhile: let Django's save decide (it inserts)
                return super().save(*args, **kwargs)
            if expected_version is not None and int(expected_version) != stored:
                raise VersionConflict(manager.get(pk=self.pk), submitted_version=expected_version)
            self.version = stored + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
            return super().save(*args, **kwargs)


def bump() -> dict:
    """``queryset.update(**bump(), field=…)``: a bulk update moves the versions too."""
    return {"version": models.F("version") + 1}
