"""The proposed minimum n = N / (1 + N·e²) shown beside a quota's field in the admin.

Shown for the stored transaction volume, and recomputed as the survey team types one
(`surveys/proposed_quota.js`, the same formula as `surveys.stats.proposed_quota`)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .stats import proposed_quota


class ProposedQuotaMixin:
    """For an inline with `transaction_volume` and `minimum`: add "proposed_minimum" to
    its fields, between the two."""

    readonly_fields = ["proposed_minimum"]

    class Media:
        js = ["surveys/proposed_quota.js"]

    @admin.display(description=_("proposed minimum: N / (1 + N·e²)"))
    def proposed_minimum(self, obj) -> str:
        volume = getattr(obj, "transaction_volume", None)
        return str(proposed_quota(volume)) if volume else "–"
