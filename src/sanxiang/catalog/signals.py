from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from sanxiang.catalog import rules
from sanxiang.catalog.models import RuleParameter


@receiver([post_save, post_delete], sender=RuleParameter)
def _forget_cached_rules(**_):
    rules.cache.invalidate()
