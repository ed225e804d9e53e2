"""`{% rule_badge text %}`: where a supervision page uses a rule parameter whose confidence is S or U
(a configurable default, supervision-regulation.md §0), show it as such — the badge 待核实 with the
parameter's code, source and confidence. `text` is a rule code ("SX-SUP-10.notice") or any stored
citation that contains one ("SX-SUP-01.assess（5个工作日，…）"); nothing is shown for P values or
text without a code."""

from __future__ import annotations

import re

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from sanxiang.catalog import rules
from sanxiang.core.errors import DomainError

register = template.Library()

_CODE = re.compile(r"SX-[A-Z0-9]+-\d+(?:\.[A-Za-z_]+)?")


def rule_of(text) -> rules.RuleValue | None:
    found = _CODE.search(str(text or ""))
    if not found:
        return None
    code = found.group(0)
    try:
        if "." in code:
            return rules.param(code)
        matches = rules.cache.rows(code)
        if not matches:  # a rule id: take any of its parameters (they share source and confidence)
            from sanxiang.catalog.models import RuleParameter

            first = RuleParameter.objects.filter(rule_id=code).values_list("code", flat=True).first()
            return rules.param(first) if first else None
        return matches[-1]
    except DomainError:
        return None


@register.simple_tag
def rule_badge(text):
    rule = rule_of(text)
    if rule is None or not rule.provisional:
        return ""
    return format_html(
        '<span class="badge badge-warn rule-provisional" title="{title}">{label}</span> '
        '<small class="muted rule-source">{code}：{source}（{conf}）</small>',
        title=_("可配置默认值，未经法规原文核实"),
        label=_("待核实"),
        code=rule.code,
        source=rule.source,
        conf=_("可信度%s") % rule.confidence,
    )
