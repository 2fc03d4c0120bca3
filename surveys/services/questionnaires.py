from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from surveys.models import Aspect, Question, Questionnaire


@transaction.atomic
def questionnaire_new_version(*, questionnaire: Questionnaire) -> Questionnaire:
    """Copy a questionnaire with its aspects and questions as the next version of its code."""
    latest = Questionnaire.objects.filter(code=questionnaire.code).aggregate(v=Max("version"))["v"]
    new = Questionnaire.objects.create(
        code=questionnaire.code,
        version=(latest or 0) + 1,
        title=questionnaire.title,
        title_en=questionnaire.title_en,
    )
    aspect_map = {}
    for aspect in questionnaire.aspects.all():
        aspect_map[aspect.pk] = Aspect.objects.create(
            questionnaire=new,
            name=aspect.name,
            name_en=aspect.name_en,
            sort_order=aspect.sort_order,
        )
    Question.objects.bulk_create(
        Question(
            questionnaire=new,
            aspect=aspect_map.get(q.aspect_id),
            code=q.code,
            text=q.text,
            text_en=q.text_en,
            sort_order=q.sort_order,
            is_required=q.is_required,
            allow_no_opinion=q.allow_no_opinion,
            is_overall=q.is_overall,
        )
        for q in questionnaire.questions.all()
    )
    return new
