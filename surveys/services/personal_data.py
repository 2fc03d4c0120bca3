"""Personal data under the Law on Personal Data Protection (91/2025/QH15) and Decree
356/2025/NĐ-CP: the respondent withdraws their consent, and their contact details go at once."""

from __future__ import annotations

from django.db import transaction

from surveys.models import ResponseContact


@transaction.atomic
def contact_consent_withdraw(*, tracking_code: str) -> bool:
    """Erase the contact details left with the response of this tracking code: True when there
    were some. The answers and the comment stay (they are anonymous)."""
    deleted, _ = ResponseContact.objects.filter(response__tracking_code=tracking_code).delete()
    return deleted > 0
