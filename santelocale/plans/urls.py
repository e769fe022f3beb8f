from django.urls import path

from santelocale.plans import views_action, views_exports, views_import, views_plan, views_search

app_name = "plans"

PLAN = "contrats/<uuid:public_id>/plan/"
FICHE = PLAN + "fiches/<int:pk>/"

urlpatterns = [
    # The plan as a whole (views_plan)
    path(PLAN, views_plan.plan_tree, name="tree"),
    path(PLAN + "tableau/", views_plan.plan_table, name="table"),
    path(PLAN + "calendrier/", views_plan.plan_timeline, name="timeline"),
    path(PLAN + "financements/", views_plan.plan_funding, name="funding"),
    path(PLAN + "indicateurs/", views_plan.plan_indicators, name="indicators"),
    path(PLAN + "corbeille/", views_plan.plan_bin, name="bin"),
    path(PLAN + "axes/nouveau/", views_plan.section_edit, name="section_create"),
    path(PLAN + "axes/<int:pk>/", views_plan.section_edit, name="section_update"),
    path(PLAN + "axes/<int:pk>/supprimer/", views_plan.section_delete, name="section_delete"),
    path(PLAN + "indicateurs/<int:indicator_pk>/valeurs/", views_plan.indicator_value_add, name="value_add"),
    # One fiche (views_action)
    path(PLAN + "fiches/nouvelle/", views_action.action_edit, name="action_create"),
    path(FICHE, views_action.action_detail, name="action"),
    path(FICHE + "modifier/", views_action.action_edit, name="action_update"),
    path(FICHE + "corbeille/", views_action.action_trash, name="action_trash"),
    path(FICHE + "restaurer/", views_action.action_restore, name="action_restore"),
    path(FICHE + "historique/", views_action.action_history, name="action_history"),
    path(FICHE + "etapes/", views_action.step_add, name="step_add"),
    path(FICHE + "etapes/<int:step_pk>/", views_action.step_update, name="step_update"),
    path(FICHE + "notes/", views_action.follow_up_add, name="follow_up_add"),
    path(FICHE + "mise-a-jour/", views_action.action_quick_update, name="action_quick_update"),
    path(FICHE + "liens/", views_action.link_add, name="link_add"),
    path(FICHE + "financements/", views_action.funding_add, name="funding_add"),
    path(FICHE + "financements/<int:line_pk>/", views_action.funding_update, name="funding_update"),
    path(FICHE + "financements/<int:line_pk>/supprimer/", views_action.funding_delete, name="funding_delete"),
    path(FICHE + "indicateurs/", views_action.indicator_add, name="action_indicator_add"),
    # Import from and export to files (views_import, views_exports)
    path(PLAN + "importer/", views_import.import_upload, name="import"),
    path(PLAN + "importer/<str:token>/", views_import.import_preview, name="import_preview"),
    path(PLAN + "export/territoires-en-transitions.xlsx", views_exports.export_tet, name="export_tet"),
    path(PLAN + "export/plan.xlsx", views_exports.export_workbook, name="export_workbook"),
    path(PLAN + "export/contrat.docx", views_exports.export_docx, name="export_docx"),
    path(PLAN + "export/contrat.pdf", views_exports.export_pdf, name="export_pdf"),
    path(PLAN + "rapport-copil/", views_exports.copil_report, name="copil"),
    path(PLAN + "rapport-copil.docx", views_exports.copil_docx, name="copil_docx"),
    path(PLAN + "rapport-copil.pdf", views_exports.copil_pdf, name="copil_pdf"),
    # Published fiches of every contract (views_search)
    path("fiches/", views_search.search, name="search"),
    path("fiches/<int:pk>/copier/", views_search.copy, name="copy"),
]
