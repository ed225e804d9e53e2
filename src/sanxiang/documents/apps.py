from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_


class DocumentsConfig(AppConfig):
    name = "sanxiang.documents"
    label = "documents"
    verbose_name = _("执法文书")

    def ready(self):
        from sanxiang.cases import page_sections
        from sanxiang.core import workbench
        from sanxiang.documents import context, hooks, views  # noqa: F401  (context registers providers)

        hooks.register()
        from sanxiang.records import dossier

        dossier.register_attachments(_dossier_documents)
        page_sections.register("documents", "documents/case_section.html", views.case_section, order=20)
        workbench.register_nav(N_("当场处罚"), "documents:on_site", roles={"officer"}, order=15)
        post_migrate.connect(_seed_templates, sender=self)


def _dossier_documents(case, wanted):
    """The frozen content of each issued document the case's entries name by hash."""
    from sanxiang.documents.models import Document
    from sanxiang.records import canonical

    for document in Document.objects.filter(case=case, sha256__in=wanted):
        yield document.sha256, "json", canonical.encode(document.content)


def _seed_templates(using="default", **_):
    """Keep the national document templates in step with data/templates.yaml after every migrate."""
    from sanxiang.documents.catalogue import load_templates

    load_templates()
