from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConfigStamp(models.Model):
    """One row whose token changes whenever anything a survey page is made of changes.

    Written only by PostgreSQL triggers on those tables (migration 0004), so every write counts,
    from the admin, a shell or raw SQL. Processes compare the token with the one their cached
    campaign snapshots were read under (surveys.snapshots). The token is random rather than a
    counter so that a rolled-back change can never bring an old value back.
    """

    token = models.CharField(_("token"), max_length=32)

    class Meta:
        verbose_name = _("configuration stamp")
        verbose_name_plural = _("configuration stamps")

    def __str__(self) -> str:
        return self.token
