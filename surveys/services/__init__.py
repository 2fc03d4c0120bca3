from .refusals import refusal_record
from .response_submit import (
    COMMENT_MAX_LENGTH,
    NON_FIELD,
    SubmissionError,
    SubmissionResult,
    answers_check,
    response_submit,
)

__all__ = [
    "COMMENT_MAX_LENGTH",
    "NON_FIELD",
    "SubmissionError",
    "SubmissionResult",
    "answers_check",
    "refusal_record",
    "response_submit",
]
