from .response_submit import SubmissionError, SubmissionResult, response_submit

__all__ = ["SubmissionError", "SubmissionResult", "response_submit"]
