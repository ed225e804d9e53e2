"""Staff roles (DESIGN.md: People). A user holds one or more; each is a Django group of that code."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("执法人员")
    HEAD = "head", _("负责人")
    REVIEWER = "reviewer", _("法制审核人员")
    PUBLICITY_EDITOR = "publicity_editor", _("公示管理员")
    SUPERVISOR = "supervisor", _("执法监督人员")
    ADMIN = "admin", _("系统管理员")
    INVITED_SUPERVISOR = "invited_supervisor", _("特邀行政执法监督员")
