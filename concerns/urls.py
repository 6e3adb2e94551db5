from django.urls import path

from concerns import views, views_records

app_name = "concerns"
urlpatterns = [
    path("new/", views.record, name="record"),
    path("new/draft/", views.draft_save, name="draft_save"),
    path("new/draft/discard/", views.draft_discard, name="draft_discard"),
    path("mine/", views.mine, name="mine"),
    path("inbox/", views.inbox, name="inbox"),
    path("actions/", views.actions, name="actions"),
    path("search/", views.search, name="search"),
    path("allegations/", views.allegations, name="allegations"),
    path("<uuid:concern_id>/", views.detail, name="detail"),
    path("<uuid:concern_id>/note/", views.add_note, name="add_note"),
    path("<uuid:concern_id>/amend/", views.amend, name="amend"),
    path("<uuid:concern_id>/decide/", views.decide, name="decide"),
    path("<uuid:concern_id>/action/", views.assign_action, name="assign_action"),
    path("decisions/<uuid:decision_id>/outcome/", views.referral_outcome, name="referral_outcome"),
    path("actions/<uuid:action_id>/done/", views.complete_action, name="complete_action"),
    path("attachments/<uuid:attachment_id>/", views.attachment, name="attachment"),
    path("behaviour/import/", views_records.behaviour_import, name="behaviour_import"),
    path("behaviour/<uuid:pupil_id>/new/", views_records.behaviour_add, name="behaviour_add"),
    path("encompass/new/", views_records.encompass_add, name="encompass_add"),
    path("categories/", views_records.categories, name="categories"),
    path("categories/<uuid:category_id>/", views_records.category_edit, name="category_edit"),
]
