"""The default questionnaire of DESIGN.md (SIPAS aspects worded for the Treasury) and the groups."""

from __future__ import annotations

from django.db import transaction

from .models import Aspect, Question, Questionnaire, RespondentGroup

DEFAULT_QUESTIONNAIRE_CODE = "kbnn-sipas"

# (aspect in Vietnamese, aspect in English, [(code, text, text in English)])
DEFAULT_ASPECTS: list[tuple[str, str, list[tuple[str, str, str]]]] = [
    (
        "Tiếp cận dịch vụ",
        "Access to the service",
        [
            (
                "C1",
                "Thông tin về thủ tục, hồ sơ được cung cấp đầy đủ, dễ tìm, dễ hiểu (kể cả trên "
                "Cổng Dịch vụ công trực tuyến của KBNN).",
                "Information on procedures and documents is complete, easy to find and easy to "
                "understand (including on the Treasury's online public-service portal).",
            ),
            (
                "C2",
                "Nơi giao dịch thuận tiện, sạch sẽ, có đủ trang thiết bị phục vụ.",
                "The service point is convenient, clean and well equipped.",
            ),
        ],
    ),
    (
        "Thủ tục hành chính",
        "Administrative procedures",
        [
            (
                "C3",
                "Thủ tục, thành phần hồ sơ được niêm yết công khai và đúng quy định.",
                "Procedures and required documents are publicly posted and as regulated.",
            ),
            (
                "C4",
                "Thời gian giải quyết hồ sơ đúng quy định.",
                "Applications are processed within the regulated time.",
            ),
        ],
    ),
    (
        "Công chức giao dịch",
        "Treasury staff",
        [
            (
                "C5",
                "Công chức giao dịch có thái độ lịch sự, tôn trọng khách hàng.",
                "Staff are polite and respectful to customers.",
            ),
            (
                "C6",
                "Công chức hướng dẫn rõ ràng, dễ hiểu; "
                "hồ sơ được hoàn thiện sau một lần hướng dẫn.",
                "Staff give clear guidance; the file is completed after a single explanation.",
            ),
            (
                "C7",
                "Công chức tận tình, làm đúng quy định, không gây phiền hà, nhũng nhiễu.",
                "Staff are dedicated, follow the rules and cause no trouble or harassment.",
            ),
        ],
    ),
    (
        "Kết quả giải quyết",
        "Results",
        [
            (
                "C8",
                "Kết quả được trả đúng hẹn, đầy đủ, chính xác.",
                "Results are delivered on time, complete and accurate.",
            ),
        ],
    ),
    (
        "Tiếp nhận và xử lý góp ý",
        "Feedback handling",
        [
            (
                "C9",
                "Có hình thức tiếp nhận góp ý, phản ánh thuận tiện.",
                "There are convenient ways to give feedback and complaints.",
            ),
            (
                "C10",
                "Phản ánh, kiến nghị được tiếp nhận, xử lý và thông báo kết quả kịp thời.",
                "Feedback is received, handled and answered in good time.",
            ),
        ],
    ),
]
OVERALL = (
    "CHUNG",
    "Mức độ hài lòng chung của Quý khách đối với sự phục vụ của Kho bạc Nhà nước.",
    "Your overall satisfaction with the service of the State Treasury.",
)

DEFAULT_GROUPS = [
    (
        "payer",
        "Tổ chức, cá nhân nộp thuế, phí, lệ phí",
        "Organisations and citizens paying taxes, fees and charges",
    ),
    ("budget_user", "Đơn vị sử dụng ngân sách nhà nước", "Units using the state budget"),
]


def respondent_groups_ensure() -> list[RespondentGroup]:
    groups = []
    for order, (code, name, name_en) in enumerate(DEFAULT_GROUPS):
        group, _ = RespondentGroup.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order}
        )
        groups.append(group)
    return groups


@transaction.atomic
def default_questionnaire_ensure() -> Questionnaire:
    """Version 1 of the default questionnaire, created once."""
    questionnaire, created = Questionnaire.objects.get_or_create(
        code=DEFAULT_QUESTIONNAIRE_CODE,
        version=1,
        defaults={
            "title": "Phiếu khảo sát sự hài lòng đối với sự phục vụ của Kho bạc Nhà nước",
            "title_en": "Satisfaction with the service of the State Treasury",
        },
    )
    if not created:
        return questionnaire
    order = 0
    for aspect_order, (name, name_en, questions) in enumerate(DEFAULT_ASPECTS, start=1):
        aspect = Aspect.objects.create(
            questionnaire=questionnaire, name=name, name_en=name_en, sort_order=aspect_order
        )
        for code, text, text_en in questions:
            order += 1
            Question.objects.create(
                questionnaire=questionnaire,
                aspect=aspect,
                code=code,
                text=text,
                text_en=text_en,
                sort_order=order,
            )
    code, text, text_en = OVERALL
    Question.objects.create(
        questionnaire=questionnaire,
        aspect=None,
        code=code,
        text=text,
        text_en=text_en,
        sort_order=order + 1,
        is_overall=True,
        allow_no_opinion=False,
    )
    return questionnaire
