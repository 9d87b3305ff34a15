from django.urls import path

from qingling.cases.views import batches, cases, decisions, documents, evidence

app_name = "cases"
urlpatterns = [
    path("", cases.case_list, name="case_list"),
    path("open/", cases.case_open, name="case_open"),
    path("<uuid:public_id>/", cases.case_detail, name="case_detail"),
    path("<uuid:public_id>/act/<str:action>/", cases.case_act, name="case_act"),
    path(
        "<uuid:public_id>/claims/<int:claim_id>/<str:action>/",
        cases.claim_act,
        name="claim_act",
    ),
    path(
        "<uuid:public_id>/documents/generate/",
        documents.document_generate_view,
        name="document_generate",
    ),
    path(
        "<uuid:public_id>/documents/<uuid:document_id>/",
        documents.document_download,
        name="document_download",
    ),
    path(
        "<uuid:public_id>/documents/<uuid:document_id>/pdf/",
        documents.document_pdf_download,
        name="document_pdf",
    ),
    path(
        "<uuid:public_id>/documents/<uuid:document_id>/serve/",
        documents.document_serve_view,
        name="document_serve",
    ),
    path(
        "<uuid:public_id>/documents/<uuid:document_id>/void/",
        documents.document_void_view,
        name="document_void",
    ),
    path(
        "<uuid:public_id>/services/<uuid:service_id>/receipt/",
        documents.service_receipt_upload_view,
        name="service_receipt_upload",
    ),
    path(
        "<uuid:public_id>/services/<uuid:service_id>/<str:which>/",
        documents.service_file_download,
        name="service_file",
    ),
    path(
        "<uuid:public_id>/procedure/<str:action>/",
        decisions.proceeding_act,
        name="proceeding_act",
    ),
    path("<uuid:public_id>/claims/import/", cases.claims_import_view, name="claims_import"),
    path("<uuid:public_id>/claims/batch/", batches.claims_batch_view, name="claims_batch"),
    path("<uuid:public_id>/archive/", documents.case_archive_download, name="case_archive"),
    path("<uuid:public_id>/records/", evidence.record_create_view, name="record_create"),
    path(
        "<uuid:public_id>/records/<uuid:record_id>/scan/",
        evidence.record_scan_upload_view,
        name="record_scan_upload",
    ),
    path(
        "<uuid:public_id>/records/<uuid:record_id>/<str:which>/",
        evidence.record_file_download,
        name="record_file",
    ),
    path("<uuid:public_id>/evidence/", evidence.evidence_attach_view, name="evidence_attach"),
    path(
        "<uuid:public_id>/evidence/<uuid:evidence_id>/",
        evidence.evidence_download,
        name="evidence_download",
    ),
    path(
        "<uuid:public_id>/archive/create/",
        evidence.case_archive_create_view,
        name="case_archive_create",
    ),
    path(
        "<uuid:public_id>/archive/files/<str:which>/",
        evidence.case_archive_file_download,
        name="case_archive_file",
    ),
]
