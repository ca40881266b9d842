"""The managers' themes page, its CSV and its PDF section for the annual reports.

Read-only: each view calls the themes selectors once. Downloads are audited.
"""

from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView, View

from cases.pdf import render_pdf
from meetings.forms.quality import TrainingThemeForm

from . import themes
from .forms_themes import ThemesFilterForm, service_from
from .views import DASHBOARD_PERMISSION, _csv_response, _export_logged


class ThemesMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = DASHBOARD_PERMISSION

    @cached_property
    def filter_form(self):
        return ThemesFilterForm(self.request.GET or None)

    @cached_property
    def filters(self) -> themes.ThemeFilters:
        return self.filter_form.filters(today=timezone.localdate())


class ThemesView(ThemesMixin, TemplateView):
    """Themes for a period and team, with the training needs managers tag."""

    template_name = "reporting/themes.html"

    def get_context_data(self, **kwargs):
        data = themes.themes_get(filters=self.filters)
        user = self.request.user
        can_tag = user.has_perm("meetings.tag_training_theme")
        return super().get_context_data(
            form=self.filter_form,
            filters=self.filters,
            query=urlencode(self.filters.query()),
            themes=data,
            participation=themes.participation_rows(themes=data),
            lado_rows=themes.lado_rows(themes=data),
            services=themes.SERVICES,
            tag_form=(
                TrainingThemeForm(
                    auto_id="theme_%s",
                    initial={
                        "noted_on": timezone.localdate(),
                        "team": self.filters.team_id,
                    },
                )
                if can_tag
                else None
            ),
            next_url=self.request.get_full_path(),
            **kwargs,
        )


class ThemesExportView(ThemesMixin, View):
    """The themes tables as one CSV of (section, item, measure, value)."""

    def get(self, request, *args, **kwargs):
        data = themes.themes_get(filters=self.filters)
        _export_logged(
            request,
            f"Themes {self.filters.date_from}-{self.filters.date_to} (CSV)",
        )
        return _csv_response(
            f"themes-{self.filters.date_from}-{self.filters.date_to}.csv",
            themes.THEMES_CSV_HEADER,
            themes.themes_csv_rows(themes=data),
        )


class ThemesPdfView(ThemesMixin, View):
    """The themes as a PDF section of the IRO or LADO annual report."""

    def get(self, request, *args, **kwargs):
        service = service_from(request.GET.get("service", "iro"))
        if service is None:
            raise Http404("No such annual report.")
        today = timezone.localdate()
        context = themes.themes_pdf_context(
            themes=themes.themes_get(filters=self.filters),
            filters=self.filters,
            service=service,
            generated_on=today,
        )
        pdf = render_pdf("pdf/themes_section.html", context)
        _export_logged(
            request,
            f"Themes {self.filters.date_from}-{self.filters.date_to} (PDF, {service})",
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="themes-{service}-{self.filters.date_from}-'
            f'{self.filters.date_to}.pdf"'
        )
        return response
