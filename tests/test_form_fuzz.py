"""Every form, and the main data-entry pages, driven with random and hostile input.

Property-based (hypothesis): oversized text, control and NUL characters, HTML and
script, template syntax, impossible dates, out-of-range numbers and wrong codes.
A form must answer with messages, never an exception; a page must never answer
500, must show a message and keep what was typed when it refuses, and must store
nothing when it refuses.
"""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import tempfile
from datetime import date

import pytest
from django import forms
from django.apps import apps
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from accounts.roles import Role

PROJECT_APPS = ("accounts", "cases", "meetings", "lado", "reg44", "reporting")
# Hypothesis keeps caches on disk: outside the project.
set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), "hypothesis-reviewing"))
# The suite runs a fixed pseudo-random sequence (the same examples every run, so
# a failure is never a flake); HYPOTHESIS_PROFILE=explore searches afresh, longer.
settings.register_profile(
    "ci",
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "explore",
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FUZZ = settings(settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci")))

# Hostile text: markup and script, template syntax, SQL, direction overrides,
# zero-width and astral characters, and text far longer than any field.
HOSTILE_TEXT = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '<link rel="attachment" href="file:///etc/passwd">',
    "{{ settings.SECRET_KEY }}{% debug %}",
    "'; DROP TABLE cases_child; --",
    "\u202egnp.exe\u200b\ufeff",
    "𝕳𝖊𝖑𝖑𝖔 👶🏽 Zoë Ó'Brien-Łukasz",
    "A" * 10_001,
    "line one\r\nline two\x0b\x0c\x1b[31m",
    "\x00",
    " ",
)
IMPOSSIBLE_DATES = (
    "2026-02-30",
    "2025-02-29",
    "2026-13-01",
    "2026-00-10",
    "0000-00-00",
    "31/02/2026",
    "32/01/2026",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "-2026-01-01",
    "2026-03-02T25:61",
    "１２/０３/２０２６",
    "2026-W10",
    "1e309",
)
BAD_NUMBERS = ("9" * 40, "-" + "9" * 40, "1e309", "NaN", "0x10", "١٢", "2147483648")
BAD_CODES = ("__all__", "../../etc/passwd", "' OR 1=1 --", "PN9", "ZZ", "-1")

text = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=60),
    st.text(st.characters(max_codepoint=31), min_size=1, max_size=10),
    st.integers(min_value=1, max_value=30_000).map(lambda n: "x" * n),
)
dates = st.one_of(
    st.sampled_from(IMPOSSIBLE_DATES),
    st.dates().map(date.isoformat),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    text,
)
datetimes = st.one_of(
    dates,
    st.datetimes().map(lambda d: d.isoformat(timespec="minutes")),
    st.sampled_from(("2026-03-02T24:00", "2026-03-02 09:60", "2026-02-30T10:00")),
)
numbers = st.one_of(
    st.integers().map(str),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(BAD_NUMBERS),
    text,
)
booleans = st.sampled_from(("on", "off", "true", "false", "1", "0", "", "<b>"))
emails = st.one_of(
    st.emails(),
    st.sampled_from(
        (
            "a@b",
            "@example.org",
            "x@" + "a" * 300 + ".org",
            "<script>@x.org",
            "a@b\x00.c",
        )
    ),
    text,
)


def _codes(field) -> list[str]:
    return [str(value) for value, _ in getattr(field, "choices", ()) if value != ""]


def hostile_value(field: forms.Field) -> st.SearchStrategy:
    """A strategy of what a hostile browser could send for `field`."""
    if isinstance(field, forms.BooleanField | forms.NullBooleanField):
        return booleans
    if isinstance(field, forms.ModelMultipleChoiceField):
        return st.lists(numbers, max_size=4)
    if isinstance(field, forms.MultipleChoiceField):
        codes = _codes(field) + list(BAD_CODES)
        return st.lists(st.one_of(st.sampled_from(codes), text), max_size=4)
    if isinstance(field, forms.ModelChoiceField):
        return numbers
    if isinstance(field, forms.ChoiceField):
        codes = _codes(field)
        return st.one_of(
            st.sampled_from(codes or ["x"]), st.sampled_from(BAD_CODES), text
        )
    if isinstance(field, forms.DateTimeField):
        return datetimes
    if isinstance(field, forms.DateField):
        return dates
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return numbers
    if isinstance(field, forms.EmailField):
        return emails
    return text


def hostile_data(form: forms.BaseForm) -> st.SearchStrategy:
    """A strategy of POST data for every field of `form`, each possibly missing."""
    parts = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        value = st.one_of(st.none(), hostile_value(field))
        widget = field.widget
        if isinstance(widget, forms.MultiWidget):
            for suffix in widget.widgets_names:
                parts[key + suffix] = st.one_of(st.none(), text, dates)
        else:
            parts[key] = value
    return st.fixed_dictionaries(parts).map(
        lambda data: {k: v for k, v in data.items() if v is not None}
    )


def edge_cases(form: forms.BaseForm):
    """Each listed hostile value in every field of its kind at once, for certain.

    Random search may miss a particular value in a few dozen examples; these
    data sets make sure each listed one is tried.
    """
    kinds = {"date": [], "text": [], "number": [], "code": []}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if isinstance(field.widget, forms.MultiWidget):
            continue
        if isinstance(field, forms.DateField | forms.DateTimeField):
            kinds["date"].append(key)
        elif isinstance(
            field,
            forms.IntegerField
            | forms.DecimalField
            | forms.FloatField
            | forms.ModelChoiceField,
        ):
            kinds["number"].append(key)
        elif isinstance(field, forms.ChoiceField):
            kinds["code"].append(key)
        elif isinstance(field, forms.CharField):
            kinds["text"].append(key)
    pools = {
        "date": IMPOSSIBLE_DATES,
        "text": HOSTILE_TEXT,
        "number": BAD_NUMBERS,
        "code": BAD_CODES,
    }
    for kind, keys in kinds.items():
        if keys:
            for value in pools[kind]:
                yield dict.fromkeys(keys, value)


# ---------------------------------------------------------------------------
# Every form class in the project


def _project_forms() -> list[type[forms.BaseForm]]:
    found = {}
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for module_info in pkgutil.walk_packages(package.__path__, f"{app}."):
            leaf = module_info.name.rsplit(".", 1)[-1]
            if not (leaf.startswith("forms") or ".forms." in module_info.name):
                continue
            module = importlib.import_module(module_info.name)
            for name, value in vars(module).items():
                if (
                    inspect.isclass(value)
                    and issubclass(value, forms.BaseForm)
                    and value.__module__ == module.__name__
                    and not name.startswith("_")
                ):
                    found[f"{value.__module__}.{name}"] = value
    return [found[key] for key in sorted(found)]


def _constructor_values(child) -> dict:
    """What a view passes to a form's constructor, by parameter name."""
    from accounts.models import User
    from cases.models import Child
    from meetings.models import Meeting, Participant

    return {
        "submit_label": "Save",
        "participants": Participant.objects.none(),
        "meetings": Meeting.objects.none(),
        "workers": User.objects.none(),
        "visible_children": Child.objects.filter(pk=child.pk),
        "child": child,
        "rows": [],
        "outcomes": (),
        "is_minutes": False,
        "sections": [],
        "items": [],
        "recommendations": [],
        "meeting": None,
        "today": date(2026, 3, 2),
        "one_month_due_on": date(2026, 3, 2),
    }


def _build(form_class, values: dict, data=None) -> forms.BaseForm:
    parameters = inspect.signature(form_class.__init__).parameters
    kwargs = {
        name: values[name]
        for name, parameter in parameters.items()
        if name in values
        and parameter.kind is not inspect.Parameter.VAR_KEYWORD
        # Required, or optional but unusable when left out (None).
        and parameter.default in (inspect.Parameter.empty, None)
    }
    return form_class(data=data, **kwargs)


FORM_CLASSES = _project_forms()


def test_form_discovery_finds_the_project_forms():
    """The fuzzing below covers the forms of every app, not an empty list."""
    modules = {form.__module__.split(".")[0] for form in FORM_CLASSES}
    assert {"cases", "meetings", "lado", "reg44", "reporting"} <= modules
    assert len(FORM_CLASSES) >= 60


def _form_params():
    """Every form, by its dotted name; none may fail (no expected failures)."""
    for form_class in FORM_CLASSES:
        name = f"{form_class.__module__}.{form_class.__name__}"
        yield pytest.param(form_class, id=name)


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", list(_form_params()))
def test_form_refuses_hostile_input_with_messages(form_class):
    """Hostile data gives field messages, never an exception; what passes is sane."""
    from tests.factories import ChildFactory

    values = _constructor_values(ChildFactory())
    try:
        blank = _build(form_class, values)
    except TypeError as exc:  # a new required constructor argument
        pytest.fail(
            f"{form_class.__name__} needs a constructor argument this test does not "
            f"know; add it to _constructor_values: {exc}"
        )

    def check(data):
        form = _build(form_class, values, data=data)
        valid = form.is_valid()
        for field, messages in form.errors.items():
            assert messages, field
            assert all(isinstance(m, str) and m.strip() for m in messages), field
        if not valid:
            return
        for name, value in form.cleaned_data.items():
            field = form.fields.get(name)
            if isinstance(value, str):
                # PostgreSQL refuses NUL in text: it must never reach a service.
                assert "\x00" not in value, name
                if field is not None and getattr(field, "max_length", None):
                    assert len(value) <= field.max_length, name

    for data in edge_cases(blank):
        check(data)
    FUZZ(given(data=hostile_data(blank))(check))()


# ---------------------------------------------------------------------------
# The main data-entry pages, through the real views


def _row_counts() -> dict[str, int]:
    """Rows per model of the record apps (the access log and history excepted)."""
    counts = {}
    for app in ("cases", "meetings", "lado", "reg44"):
        for model in apps.get_app_config(app).get_models():
            if model._meta.label.split(".")[1].startswith("Historical"):
                continue
            counts[model._meta.label] = model.objects.count()
    return counts


def _pages():
    """(name, role, url builder) for the pages people type most into."""
    from tests.factories import CareEpisodeFactory, ChildFactory, MeetingFactory

    def child_in_care():
        child = ChildFactory()
        CareEpisodeFactory(child=child)
        return child

    def meeting_hold():
        meeting = MeetingFactory()
        return meeting.chair, reverse("meetings:meeting-hold", args=[meeting.pk])

    return [
        ("child-create", Role.MANAGER, lambda: reverse("cases:child-create")),
        (
            "episode-start",
            Role.MANAGER,
            lambda: reverse("cases:episode-create", args=[ChildFactory().pk]),
        ),
        (
            "allocation",
            Role.MANAGER,
            lambda: reverse("cases:allocation-create", args=[ChildFactory().pk]),
        ),
        (
            "child-edit",
            Role.MANAGER,
            lambda: reverse("cases:child-update", args=[ChildFactory().pk]),
        ),
        (
            "key-person-add",
            Role.MANAGER,
            lambda: reverse("cases:person-create", args=[ChildFactory().pk]),
        ),
        (
            "review-book",
            Role.MANAGER,
            lambda: reverse("meetings:review-book", args=[child_in_care().pk]),
        ),
        (
            "monitoring-note",
            Role.IRO,
            lambda: reverse(
                "meetings:monitoring-note-create", args=[child_in_care().pk]
            ),
        ),
        ("meeting-hold", "chair", meeting_hold),
        ("allegation-create", Role.LADO, lambda: reverse("lado:allegation-create")),
    ]


PAGES = _pages()
# Widgets that show back exactly what was typed (a select cannot show a bad code).
TYPED_WIDGETS = (forms.widgets.Input, forms.Textarea)


def _refusal_shown(body: str) -> bool:
    return any(
        marker in body
        for marker in ("invalid-feedback", "errorlist", "alert-danger", "is-invalid")
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "url_for"), [p[1:] for p in PAGES], ids=[p[0] for p in PAGES]
)
def test_page_refuses_hostile_input_cleanly(client, user_with_role, role, url_for):
    """Never a 500; a refusal shows a message, keeps the typing, stores nothing."""
    # given: a role's user and a page, or a page and the user it belongs to
    if role == "chair":
        user, url = url_for()
    else:
        user, url = user_with_role(role), url_for()
    client.force_login(user)
    page = client.get(url)
    assert page.status_code == 200, url
    form = page.context["form"]
    typed = {
        form.add_prefix(name)
        for name, field in form.fields.items()
        if isinstance(field.widget, TYPED_WIDGETS)
        and not isinstance(field.widget, forms.PasswordInput | forms.CheckboxInput)
    }

    def check(data):
        before = _row_counts()
        # when: an exception in the view is raised here (it would be a 500)
        response = client.post(url, data)
        # then
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            return  # accepted: hostile-looking text is stored as text
        body = response.content.decode()
        assert _refusal_shown(body), "refused without saying why"
        assert _row_counts() == before, "stored something while refusing"
        for key, value in data.items():
            if (
                key in typed
                and isinstance(value, str)
                and 3 < len(value) <= 200
                and value.isprintable()
                and value.strip() == value
            ):
                assert escape(value) in body, f"{key}: what was typed was lost"

    for data in edge_cases(form):
        check(data)
    FUZZ(given(data=hostile_data(form))(check))()
