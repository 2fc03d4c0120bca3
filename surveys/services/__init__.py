from .refusals import refusal_record
from .response_submit import (
    COMMENT_MAX_LENGTH,
    NON_FIELD,
    SubmissionError,
    SubmissionResult,
    answers_check,
    comment_errors,
    response_submit,
)

__all__ = [
    "COMMENT_MAX_LENGTH",
    "NON_FIELD",
    "SubmissionError",
    "SubmissionResult",
    "answers_check",
    "comment_errors",
    "refusal_record",
    "response_submit",
]
