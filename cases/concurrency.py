"""Optimistic locking for edit forms, and the hand-off to the browser's autosave.

A record's version is the id of its latest history row (django-simple-history
writes one in the same transaction as every save, whoever saves: a form, the
admin or a background job), so no model needs a version column. An edit form
carries the version it was read at; the save locks the row and compares. If
someone saved in between, nothing is written and the person sees both texts:
what is now saved, and what they typed, still in the form (409).

Autosave (static/js/autosave.js) keeps what is typed in the browser, keyed by
user, page and version; after a successful save the server names the kept copy
in a short-lived cookie and the script removes it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.utils import timezone

from .errors import DomainError

VERSION_FIELD = "record_version"
SAVED_COOKIE = "autosave_saved"


def record_version(obj: models.Model) -> str:
    """Return the version of `obj`: the id of its latest history row, "0" if none."""
    latest = (
        obj.history.order_by("-history_id").values_list("history_id", flat=True).first()
    )
    return str(latest or 0)


class EditConflict(DomainError):
    """Someone saved the record after the form was read; nothing was saved."""

    def __init__(
        self,
        *,
        current: models.Model,
        version: str,
        saved_by: str,
        saved_at: datetime | None,
    ):
        self.current = current
        self.version = version
        self.saved_by = saved_by
        self.saved_at = saved_at
        who = saved_by or "Someone else"
        super().__init__(
            f"{who} saved this record after you opened it, so your changes have not "
            "been saved. Compare the two versions below."
        )


@transaction.atomic
def record_version_check(*, obj: models.Model, expected: str) -> None:
    """Lock `obj`'s row for the rest of the transaction; raise EditConflict if it
    was saved since version `expected` was read."""
    model = type(obj)
    model.objects.select_for_update().filter(pk=obj.pk).values_list("pk").first()
    last = obj.history.order_by("-history_id").select_related("history_user").first()
    current = str(last.history_id if last else 0)
    if current == expected:
        return
    raise EditConflict(
        current=model.objects.get(pk=obj.pk),
        version=current,
        saved_by=str(last.history_user) if last and last.history_user else "",
        saved_at=last.history_date if last else None,
    )


# --- showing a conflict --------------------------------------------------------------


@dataclass(frozen=True)
class ConflictRow:
    label: str
    saved: str
    yours: str

    @property
    def differs(self) -> bool:
        return self.saved != self.yours


def _display(model_field: models.Field | None, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if model_field is not None and model_field.choices and not model_field.is_relation:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, list | tuple | set | models.QuerySet):
        return ", ".join(sorted(str(v) for v in value))
    return str(value)


def conflict_rows(
    *, form: forms.Form, cleaned: dict[str, Any], current: models.Model
) -> list[ConflictRow]:
    """Return, per field of the form that the record holds, the saved text and
    what was typed."""
    rows = []
    for name, field in form.fields.items():
        if name == VERSION_FIELD or name not in cleaned:
            continue
        try:
            model_field = current._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if model_field.many_to_many:
            saved = list(getattr(current, name).all())
        else:
            saved = getattr(current, name)
        rows.append(
            ConflictRow(
                label=str(field.label or model_field.verbose_name).rstrip(":"),
                saved=_display(model_field, saved),
                yours=_display(model_field, cleaned[name]),
            )
        )
    return rows


# --- the view mixin ------------------------------------------------------------------


class VersionCheckedFormMixin:
    """For a form view that edits one record through a service.

    The view (or a class after this one) names the record with
    `get_versioned_record()`. The form gets a hidden version field; a stale save
    answers 409 with both texts and the form still holding what was typed (now
    carrying the current version, so saving again replaces the other text
    knowingly). A form posted without a version (not one this app rendered) is
    saved unchecked, as before.
    """

    conflict_template_name = "cases/edit_conflict.html"

    def autosave_key(self, version: str) -> str:
        return f"{self.request.user.pk}:{self.request.path}:{version}"

    def add_version_field(self, form: forms.Form, *, version: str) -> forms.Form:
        form.fields[VERSION_FIELD] = forms.CharField(
            required=False,
            initial=version,
            widget=forms.HiddenInput(
                attrs={
                    "data-autosave-key": self.autosave_key(version),
                    "data-autosave-prefix": self.autosave_key(""),
                }
            ),
        )
        helper = getattr(form, "helper", None)
        if helper is not None:
            # A copy: some forms share one helper between instances.
            form.helper = copy.copy(helper)
            form.helper.render_hidden_fields = True
        return form

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        version = (
            self.request.POST.get(VERSION_FIELD, "")
            if self.request.method == "POST"
            else record_version(self.get_versioned_record())
        )
        return self.add_version_field(form, version=version)

    def form_valid(self, form):
        expected = form.cleaned_data.pop(VERSION_FIELD, "") or ""
        if expected:
            try:
                record_version_check(obj=self.get_versioned_record(), expected=expected)
            except EditConflict as conflict:
                return self.conflict_response(form, conflict)
        response = super().form_valid(form)
        if expected and response.status_code in (301, 302, 303):
            response.set_cookie(
                SAVED_COOKIE,
                quote(self.autosave_key(expected), safe=""),
                max_age=300,
                samesite="Lax",
                secure=self.request.is_secure(),
            )
        return response

    def conflict_response(self, form, conflict: EditConflict):
        data = self.request.POST.copy()
        data[VERSION_FIELD] = conflict.version
        retry = self.get_form_class()(**{**self.get_form_kwargs(), "data": data})
        self.add_version_field(retry, version=conflict.version)
        context = self.get_context_data(
            form=retry,
            conflict=conflict,
            conflict_rows=conflict_rows(
                form=form, cleaned=form.cleaned_data, current=conflict.current
            ),
        )
        return self.response_class(
            request=self.request,
            template=[self.conflict_template_name],
            context=context,
            using=self.template_engine,
            status=409,
        )
