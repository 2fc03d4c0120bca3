from django import template

from surveys.selectors import refusals_by_reason

register = template.Library()


@register.inclusion_tag("admin/surveys/campaign/refusals.html")
def campaign_refusals(campaign):
    rows = refusals_by_reason(campaign=campaign)
    return {"rows": rows, "total": sum(n for _, n in rows)}
