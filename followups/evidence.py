"""What an evidence file may be: a few document and image types, checked by extension AND by
their first bytes, under a size limit."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# extension -> (content type, accepted leading bytes)
ZIP = (b"PK\x03\x04",)
EVIDENCE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ZIP,
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def evidence_max_bytes() -> int:
    return getattr(settings, "FOLLOWUP_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES)


def evidence_check(upload) -> str:
    """Return the content type to serve the file with, or raise ValidationError."""
    if upload is None:
        raise ValidationError({"file": _("Please choose a file.")})
    limit = evidence_max_bytes()
    if upload.size > limit:
        raise ValidationError(
            {"file": _("The file is too large (at most %(max)s).") % {"max": filesizeformat(limit)}}
        )
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    ext = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    allowed = ", ".join(sorted(EVIDENCE_TYPES))
    if ext not in EVIDENCE_TYPES:
        raise ValidationError(
            {"file": _("Only these file types are accepted: %(types)s.") % {"types": allowed}}
        )
    content_type, signatures = EVIDENCE_TYPES[ext]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(
            {"file": _("The file's content does not match its type (.%(ext)s).") % {"ext": ext}}
        )
    return content_type
