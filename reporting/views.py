"""Reporting pages: read-only, each calling one selector."""

import csv
from itertools import chain, islice
from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView, View

from accounts.models import AccessLog
from accounts.services import access_log_record

from . import forms, selectors


class MyWorkView(LoginRequiredMixin, TemplateView):
    """The signed-in user's open statutory items and today's notifications."""

    template_name = "reporting/my_work.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        return super().get_context_data(
            today=today,
            work=selectors.my_work(user=self.request.user, today=today),
            **kwargs,
        )


# Managers hold this codename and no other role does; a dedicated
# reporting.view_dashboard permission would replace it (accounts/roles.py).
DASHBOARD_PERMISSION = "cases.view_dashboards"


class DashboardMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = DASHBOARD_PERMISSION

    @cached_property
    def filter_form(self):
        return forms.DashboardFilterForm(self.request.GET or None)

    @cached_property
    def filters(self):
        return self.filter_form.filters(today=timezone.localdate())


class DashboardView(DashboardMixin, TemplateView):
    """Managers' indicators with definitions, trends, drill-downs and caseloads."""

    template_name = "reporting/dashboard.html"

    def get_context_data(self, **kwargs):
        cards = selectors.indicator_cards(filters=self.filters)
        return super().get_context_data(
            form=self.filter_form,
            filters=self.filters,
            query=urlencode(self.filters.query()),
            cards=cards,
            chart_data=selectors.chart_data(cards),
            disputes=selectors.disputes_by_stage(),
            caseload=selectors.caseload_table(filters=self.filters),
            caseload_columns=selectors.CASELOAD_COLUMNS,
            lado=selectors.lado_card(filters=self.filters),
            **kwargs,
        )


def _export_logged(request, detail: str) -> None:
    # An export of children's details is audited like a view (DOMAIN.md A3).
    access_log_record(
        user=request.user,
        action=AccessLog.Action.EXPORT,
        request=request,
        detail=detail,
    )


def _csv_response(filename: str, header, rows) -> StreamingHttpResponse:
    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in chain([header], rows)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class IndicatorListView(DashboardMixin, TemplateView):
    """The children and meetings behind one indicator; ?format=csv exports all."""

    template_name = "reporting/indicator_list.html"
    page_rows = 500

    def get(self, request, *args, **kwargs):
        self.indicator = selectors.indicator_get(kwargs["code"])
        if self.indicator is None:
            raise Http404("No such indicator.")
        if request.GET.get("format") == "csv":
            _export_logged(request, f"Indicator list {kwargs['code']} (CSV)")
            return _csv_response(
                f"{kwargs['code']}-{self.filters.start}-{self.filters.end}.csv",
                selectors.INDICATOR_COLUMNS,
                selectors.indicator_table(kwargs["code"], filters=self.filters),
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        rows = list(
            islice(
                selectors.indicator_table(self.kwargs["code"], filters=self.filters),
                self.page_rows + 1,
            )
        )
        return super().get_context_data(
            indicator=self.indicator,
            form=self.filter_form,
            filters=self.filters,
            query=urlencode(self.filters.query()),
            columns=selectors.INDICATOR_COLUMNS,
            rows=rows[: self.page_rows],
            is_truncated=len(rows) > self.page_rows,
            **kwargs,
        )


class CaseloadExportView(DashboardMixin, View):
    """Per-IRO caseload as CSV."""

    def get(self, request, *args, **kwargs):
        _export_logged(request, "IRO caseload (CSV)")
        return _csv_response(
            "iro-caseload.csv",
            selectors.CASELOAD_COLUMNS,
            selectors.caseload_table(filters=self.filters),
        )


class ReturnsCheckView(DashboardMixin, TemplateView):
    """Problems the DfE validators would raise in the returns, at their records."""

    template_name = "reporting/returns_check.html"

    def get_context_data(self, **kwargs):
        default = selectors.collection_year_for(timezone.localdate())
        value = self.request.GET.get("year", "")
        year = int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else default
        problems, total = selectors.return_problems(year=year)
        return super().get_context_data(
            year=year, problems=problems, total=total, **kwargs
        )
