"""Forms for the chair's report, its approval and distribution: validation and layout only."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.forms.models import fields_for_model

from .. import selectors, services
from ..models import ChairReport, Distribution, Participant

# --- forms: validation and layout only ------------------------------------------------


def _helper(*inputs: Submit, layout: Layout | None = None) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    if layout is not None:
        helper.layout = layout
    for submit in inputs:
        helper.add_input(submit)
    return helper


class SecondarySubmit(Submit):
    field_classes = "btn btn-outline-primary"


class ChairReportForm(forms.Form):
    """The text of a draft, with the lock version it was read at."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(
            fields_for_model(
                ChairReport,
                fields=selectors.CONTENT_FIELDS,
                widgets={
                    name: forms.Textarea(attrs={"rows": 6})
                    for name in selectors.CONTENT_FIELDS
                },
            )
        )
        self.helper = _helper(
            Submit("save", "Save"),
            Submit(
                "save_continue",
                "Save and keep writing",
                css_class="btn-outline-primary",
            ),
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=300, widget=forms.Textarea(attrs={"rows": 3}), label="Reason"
    )

    def __init__(self, *args, submit_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Submit("submit", submit_label))


class ApproveForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have read this version and approve it as the record of the review."
    )

    def __init__(self, *args, submit_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Submit("submit", submit_label))


def _participant_label(person: Participant) -> str:
    how = person.email or "no email: by post"
    return f"{person.name} ({person.get_role_display()}), {how}"


class DistributionForm(forms.Form):
    """Who gets which document of the approved version; plus one other recipient."""

    record_to = forms.MultipleChoiceField(
        label="Send the review record to",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    letter_to = forms.MultipleChoiceField(
        label="Send the letter to the child to",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_name = forms.CharField(label="Name", max_length=150, required=False)
    other_email = forms.EmailField(label="Email address", required=False)
    other_channel = forms.ChoiceField(
        label="How", choices=Distribution.Channel.choices, initial="email"
    )
    other_document = forms.ChoiceField(
        label="Document", choices=Distribution.Document.choices, initial="record"
    )

    def __init__(self, *args, participants: list[Participant], **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = {str(p.pk): p for p in participants}
        choices = [(pk, _participant_label(p)) for pk, p in self.participants.items()]
        self.fields["record_to"].choices = choices
        self.fields["letter_to"].choices = choices
        self.helper = _helper(
            Submit("submit", "Send"),
            layout=Layout(
                "record_to",
                "letter_to",
                Fieldset(
                    "Someone else (optional)",
                    Row(Column("other_name"), Column("other_email")),
                    Row(Column("other_channel"), Column("other_document")),
                ),
            ),
        )

    def clean(self):
        data = super().clean()
        name, email = data.get("other_name", ""), data.get("other_email", "")
        if email and not name:
            self.add_error("other_name", "Give the name of the person to send it to.")
        if name and data.get("other_channel") == "email" and not email:
            self.add_error("other_email", "Give an email address, or choose post.")
        if not (data.get("record_to") or data.get("letter_to") or name):
            raise forms.ValidationError("Choose at least one recipient.")
        return data

    def recipients(self) -> list[services.Recipient]:
        """Return the chosen recipients, one per person and document."""
        chosen = []
        for field, document in (("record_to", "record"), ("letter_to", "letter")):
            for pk in self.cleaned_data[field]:
                person = self.participants[pk]
                chosen.append(
                    services.Recipient(
                        name=person.name,
                        email=person.email,
                        channel="email" if person.email else "post",
                        participant=person,
                        document=document,
                    )
                )
        if self.cleaned_data["other_name"]:
            chosen.append(
                services.Recipient(
                    name=self.cleaned_data["other_name"],
                    email=self.cleaned_data["other_email"],
                    channel=self.cleaned_data["other_channel"],
                    document=self.cleaned_data["other_document"],
                )
            )
        return chosen
