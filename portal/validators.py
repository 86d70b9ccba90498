"""Validators: password character classes (等保2.0) and the 统一社会信用代码."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import uscc as stdnum_uscc


class CharacterClassValidator:
    """A password needs at least three of: lower case, upper case, digits, symbols."""

    def validate(self, password, user=None):
        classes = sum(
            [
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            ]
        )
        if classes < 3:
            raise ValidationError(_("密码须包含小写字母、大写字母、数字、符号中的至少三类。"), code="password_classes")

    def get_help_text(self):
        return _("密码须包含小写字母、大写字母、数字、符号中的至少三类。")


def normalise_uscc(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def validate_uscc(value: str) -> str:
    """Return the normalised code or raise a ValidationError naming exactly what is wrong."""
    code = normalise_uscc(value)
    if not code:
        raise ValidationError(_("请填写统一社会信用代码。"), code="uscc_required")
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为 18 位，您填写了 %(n)d 位。"), params={"n": len(code)}, code="uscc_length"
        )
    bad = sorted({c for c in code if c not in "0123456789ABCDEFGHJKLMNPQRTUWXY"})
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符：%(chars)s（不使用 I、O、Z、S、V）。"),
            params={"chars": "、".join(bad)},
            code="uscc_alphabet",
        )
    try:
        stdnum_uscc.validate(code)
    except stdnum_exceptions.InvalidChecksum:
        raise ValidationError(
            _("统一社会信用代码校验位不正确（第 18 位应为 %(expected)s），请核对后重新填写。"),
            params={"expected": stdnum_uscc.calc_check_digit(code[:17])},
            code="uscc_checksum",
        ) from None
    except stdnum_exceptions.ValidationError:
        raise ValidationError(
            _("统一社会信用代码格式不正确（登记管理部门代码、机构类别或行政区划码无效）。"),
            code="uscc_format",
        ) from None
    return code
