"""Reporting pages: read-only, each calling one selector."""

import csv
import io
from itertools import chain
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView, View
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from accounts.models import AccessLog
from accounts.services import access_log_record

from . import annual, forms, selectors, sweep


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
            card_groups=selectors.card_groups(cards),
            chart_data=selectors.chart_data(cards),
            disputes=selectors.disputes_by_stage(),
            caseload=selectors.caseload_table(filters=self.filters),
            caseload_columns=selectors.CASELOAD_COLUMNS,
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


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_cell(sheet, value):
    if not isinstance(value, str):
        return value
    # Text is always text: a leading "=" must not become a formula, and
    # characters Excel forbids are dropped.
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    return cell


def _xlsx_response(filename: str, header, rows) -> HttpResponse:
    """Return the same header and rows as the CSV export, as one Excel sheet."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Export")
    for row in chain([header], rows):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ?format= value → (label in the access log, response builder, file extension)
EXPORT_FORMATS = {
    "csv": ("CSV", _csv_response, "csv"),
    "xlsx": ("Excel", _xlsx_response, "xlsx"),
}


def _export(request, *, detail: str, stem: str, header, rows, default=None):
    """Return the export chosen by ?format= (audited), or None for the page."""
    chosen = EXPORT_FORMATS.get(request.GET.get("format", default))
    if chosen is None:
        return None
    label, build, extension = chosen
    _export_logged(request, f"{detail} ({label})")
    return build(f"{stem}.{extension}", header, rows)


class IndicatorListView(DashboardMixin, TemplateView):
    """The children and meetings behind one indicator, 100 a page (?page=N);
    ?format=csv or ?format=xlsx exports them all."""

    template_name = "reporting/indicator_list.html"
    page_rows = 100
    max_page = 10_000

    def get(self, request, *args, **kwargs):
        self.indicator = selectors.indicator_get(kwargs["code"])
        if self.indicator is None:
            raise Http404("No such indicator.")
        exported = _export(
            request,
            detail=f"Indicator list {kwargs['code']}",
            stem=f"{kwargs['code']}-{self.filters.start}-{self.filters.end}",
            header=selectors.indicator_columns(kwargs["code"]),
            rows=selectors.indicator_table(kwargs["code"], filters=self.filters),
        )
        if exported:
            return exported
        # The list names children, allegations or homes: seeing it is audited.
        access_log_record(
            user=request.user,
            action=AccessLog.Action.VIEW,
            request=request,
            detail=f"Indicator list {kwargs['code']}",
        )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        value = self.request.GET.get("page", "")
        page = int(value) if value.isdigit() and 0 < int(value) <= self.max_page else 1
        rows = list(
            selectors.indicator_table(
                self.kwargs["code"],
                filters=self.filters,
                limit=self.page_rows + 1,
                offset=(page - 1) * self.page_rows,
            )
        )
        return super().get_context_data(
            indicator=self.indicator,
            form=self.filter_form,
            filters=self.filters,
            query=urlencode(self.filters.query()),
            columns=selectors.indicator_columns(self.kwargs["code"]),
            rows=rows[: self.page_rows],
            page=page,
            first_row=(page - 1) * self.page_rows + 1,
            last_row=(page - 1) * self.page_rows + len(rows[: self.page_rows]),
            has_next=len(rows) > self.page_rows,
            **kwargs,
        )


class CaseloadExportView(DashboardMixin, View):
    """Per-IRO caseload as CSV (or Excel with ?format=xlsx)."""

    def get(self, request, *args, **kwargs):
        if request.GET.get("format", "csv") not in EXPORT_FORMATS:
            raise Http404("No such export format.")
        return _export(
            request,
            detail="IRO caseload",
            stem="iro-caseload",
            header=selectors.CASELOAD_COLUMNS,
            rows=selectors.caseload_table(filters=self.filters),
            default="csv",
        )


class ReturnsCheckView(DashboardMixin, TemplateView):
    """Problems the DfE validators would raise in the returns, at their records.

    Shows the stored result of the last check (the nightly sweep re-checks this
    year and last); a year never checked is checked on first view, and "Check
    again now" (POST) re-checks at once.
    """

    template_name = "reporting/returns_check.html"

    def _year(self, data) -> int:
        default = selectors.collection_year_for(timezone.localdate())
        value = data.get("year", "")
        return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else default

    def post(self, request, *args, **kwargs):
        year = self._year(request.POST)
        check = sweep.return_check_refresh(year=year)
        messages.success(
            request, f"Checked again: {check.total} problem{pluralize(check.total)}."
        )
        return redirect(f"{reverse('reporting:returns-check')}?year={year}")

    def get_context_data(self, **kwargs):
        year = self._year(self.request.GET)
        check = selectors.return_check_get(year=year) or sweep.return_check_refresh(
            year=year
        )
        return super().get_context_data(
            year=year,
            check=check,
            problems=list(check.problems.all()),
            total=check.total,
            **kwargs,
        )


# Excel forbids these in sheet names, which are at most 31 characters.
_SHEET_NAME_FORBIDDEN = str.maketrans("", "", "[]:*?/\\")


def _xlsx_workbook_response(filename: str, sheets) -> HttpResponse:
    """Return one Excel workbook with a sheet per (name, header, rows); names
    must be unique within their first 31 characters."""
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title.translate(_SHEET_NAME_FORBIDDEN)[:31])
        for row in chain([header], rows):
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class AnnualReportView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """An annual report's tables for a chosen year (?year=2025-26 or 2025), each
    downloadable (?table=<key>&format=csv|xlsx; ?table=all&format=xlsx gives
    every table, a sheet each). Each subclass's build(year) makes its report."""

    template_name = "reporting/annual_report.html"
    slug = ""

    @cached_property
    def form(self):
        return forms.AnnualReportForm(
            self.request.GET or None, today=timezone.localdate()
        )

    def get(self, request, *args, **kwargs):
        year = self.form.report_year()
        self.report = self.build(year)
        key = request.GET.get("table")
        if key is None:
            access_log_record(
                user=request.user,
                action=AccessLog.Action.VIEW,
                request=request,
                detail=f"{self.report.title} {year.key}",
            )
            return super().get(request, *args, **kwargs)
        stem = f"{self.slug}-{year.key}"
        if key == "all" and request.GET.get("format") == "xlsx":
            _export_logged(request, f"{self.report.title} {year.key} (Excel)")
            return _xlsx_workbook_response(
                f"{stem}.xlsx",
                [(t.key, t.columns, t.rows) for t in self.report.tables],
            )
        table = self.report.table(key)
        if table is None or request.GET.get("format") not in EXPORT_FORMATS:
            raise Http404("No such table or export format.")
        return _export(
            request,
            detail=f"{self.report.title} {year.key}: {table.title}",
            stem=f"{stem}-{table.key}",
            header=table.columns,
            rows=table.rows,
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            form=self.form,
            report=self.report,
            query=urlencode({"year": self.report.year.key}),
            **kwargs,
        )


class IroAnnualReportView(AnnualReportView):
    """The IRO annual report to the Corporate Parenting Board (DOMAIN.md 4.2)."""

    permission_required = DASHBOARD_PERMISSION
    slug = "iro-annual-report"

    def build(self, year):
        return annual.iro_annual_report(year=year, user=self.request.user)


class LadoAnnualReportView(AnnualReportView):
    """The LADO annual report to the safeguarding partnership (DOMAIN.md 4.3),
    for managers and LADOs (who hold lado.view_lado_figures)."""

    permission_required = "lado.view_lado_figures"
    slug = "lado-annual-report"

    def build(self, year):
        return annual.lado_annual_report(year=year)
