"""Masking of personal data (PIPL): phones ``138****5678``, ID numbers ``330102********1234``."""

import re


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    digits = re.sub(r"\s", "", value)
    if len(digits) >= 11:
        return digits[:3] + "****" + digits[-4:]
    if len(digits) >= 7:
        return digits[:2] + "*" * (len(digits) - 4) + digits[-2:]
    return "*" * len(digits)


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    if len(value) >= 15:
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    return "*" * len(value)


def mask_name(value: str | None) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)
