"""Writes of privacy records: the audit log, consents, exports, erasure, retention.

``audit_record`` stays importable from here (``core_apps.privacy.services``).
"""

from core_apps.privacy.services.audit import audit_record

__all__ = ["audit_record"]
