from django.urls import path

from ..views import records as views

R = "meetings/<int:pk>/record/"
V = R + "<int:report_pk>/"
D = R + "distribution/<int:distribution_pk>/"

urlpatterns = [
    path(R + "start/", views.RecordStartView.as_view(), name="record-start"),
    path(R + "versions/", views.RecordVersionsView.as_view(), name="record-versions"),
    path(
        R + "distribute/",
        views.RecordDistributeView.as_view(),
        name="record-distribute",
    ),
    path(R + "distribution/", views.RecordLedgerView.as_view(), name="record-ledger"),
    path(V, views.RecordDetailView.as_view(), name="record-detail"),
    path(V + "edit/", views.RecordEditView.as_view(), name="record-edit"),
    path(V + "submit/", views.RecordSubmitView.as_view(), name="record-submit"),
    path(V + "approve/", views.RecordApproveView.as_view(), name="record-approve"),
    path(V + "return/", views.RecordReturnView.as_view(), name="record-return"),
    path(V + "amend/", views.RecordAmendView.as_view(), name="record-amend"),
    path(V + "render/", views.RecordRenderView.as_view(), name="record-render"),
    path(V + "record.pdf", views.RecordPdfView.as_view(), name="record-pdf"),
    path(
        V + "letter.pdf", views.RecordLetterPdfView.as_view(), name="record-letter-pdf"
    ),
    path(
        D + "resend/",
        views.DistributionResendView.as_view(),
        name="distribution-resend",
    ),
    path(
        D + "sent/",
        views.DistributionMarkSentView.as_view(),
        name="distribution-mark-sent",
    ),
]
