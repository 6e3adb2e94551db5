from django.urls import path

from transfer import views

app_name = "transfer"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("term-dates/", views.terms, name="terms"),
    path("import/", views.import_bundle, name="import"),
    path("start/<uuid:pupil_id>/", views.start, name="start"),
    path("<uuid:transfer_id>/", views.detail, name="detail"),
    path("<uuid:transfer_id>/prepare/", views.prepare, name="prepare"),
    path("<uuid:transfer_id>/file/", views.bundle, name="bundle"),
    path("<uuid:transfer_id>/sent/", views.sent, name="sent"),
    path("<uuid:transfer_id>/receipt/", views.receipt_upload, name="receipt_upload"),
    path("incoming/<uuid:transfer_id>/", views.incoming, name="incoming"),
    path("received/<uuid:received_id>/", views.received, name="received"),
    path("received/<uuid:received_id>/receipt/", views.receipt, name="receipt"),
    path("received/attachments/<uuid:attachment_id>/", views.attachment, name="attachment"),
]
