"""Test mail backends for the worker tests: one line per delivered message in a shared file.

Appending one short line per message with O_APPEND is atomic across threads and processes,
so the test can count exactly who received what, even from a worker that was killed.
"""

from __future__ import annotations

import os
import time

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


def delivered(path) -> list[str]:
    try:
        with open(path, encoding="utf-8") as f:
            return [line.strip() for line in f if line.strip()]
    except FileNotFoundError:
        return []


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        delay = float(os.environ.get("TEST_MAIL_DELAY", "0") or 0)
        for message in messages:
            if delay:
                time.sleep(delay)  # a slow mail server: leaves time to kill the worker mid-batch
            fd = os.open(settings.TEST_MAIL_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, ("\n".join(message.to) + "\n").encode())
                os.fsync(fd)
            finally:
                os.close(fd)
        return len(messages)


class FlakyRecordingBackend(RecordingBackend):
    """The first message of the run meets a temporary SMTP failure (451)."""

    failed_once = False

    def send_messages(self, messages):
        import smtplib

        if not FlakyRecordingBackend.failed_once:
            FlakyRecordingBackend.failed_once = True
            raise smtplib.SMTPResponseException(451, b"4.3.2 try again later")
        return super().send_messages(messages)
