"""The written report (DOCX, and PDF converted from it)."""

from .builder import document_write
from .pdf import ConversionError, pdf_convert, pdf_verify, soffice_path

__all__ = ["ConversionError", "document_write", "pdf_convert", "pdf_verify", "soffice_path"]
