from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _

from .otp import confirmed_device


class LoginForm(AuthenticationForm):
    """Password, plus the 6-digit TOTP code for accounts that have a confirmed device."""

    otp_token = forms.CharField(
        label=_("动态口令"),
        required=False,
        max_length=8,
        help_text=_("已设置二次验证的账号请输入手机验证器上的 6 位数字。"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    error_messages = {
        "invalid_login": _("用户名或密码不正确。"),
        "inactive": _("该账号已停用。"),
        "otp_required": _("该账号已启用二次验证，请输入动态口令。"),
        "otp_invalid": _("动态口令不正确或已过期。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")
        self.otp_device = None

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        device = confirmed_device(user)
        if device is None:
            return
        token = (self.cleaned_data.get("otp_token") or "").strip()
        if not token:
            raise forms.ValidationError(self.error_messages["otp_required"], code="otp_required")
        allowed, _extra = device.verify_is_allowed()
        if not allowed or not device.verify_token(token):
            # A wrong second factor counts towards the lockout like a wrong password.
            user_login_failed.send(
                sender=__name__, credentials={"username": user.get_username()}, request=self.request
            )
            raise forms.ValidationError(self.error_messages["otp_invalid"], code="otp_invalid")
        self.otp_device = device


class ReauthForm(forms.Form):
    password = forms.CharField(
        label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self):
        password = self.cleaned_data["password"]
        user = authenticate(self.request, username=self.request.user.get_username(), password=password)
        if user is None or user.pk != self.request.user.pk:
            raise forms.ValidationError(_("密码不正确。"), code="invalid_password")
        return password


class OtpConfirmForm(forms.Form):
    token = forms.CharField(
        label=_("验证器显示的 6 位数字"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not self.device.verify_token(token):
            raise forms.ValidationError(_("动态口令不正确，请核对手机时间后重试。"), code="otp_invalid")
        return token


class OtpRebindForm(OtpConfirmForm):
    """Replacing a confirmed authenticator: the password and a current code of the old device too, so
    a session left open (or stolen) cannot move the second factor to another phone."""

    password = forms.CharField(
        label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    current_token = forms.CharField(
        label=_("原验证器当前显示的 6 位数字"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, device, existing, request, **kwargs):
        super().__init__(*args, device=device, **kwargs)
        self.existing = existing
        self.request = request

    def clean_password(self):
        password = self.cleaned_data["password"]
        user = authenticate(self.request, username=self.request.user.get_username(), password=password)
        if user is None or user.pk != self.request.user.pk:
            raise forms.ValidationError(_("密码不正确。"), code="invalid_password")
        return password

    def clean_current_token(self):
        token = self.cleaned_data["current_token"].strip()
        allowed, _extra = self.existing.verify_is_allowed()
        if not allowed or not self.existing.verify_token(token):
            raise forms.ValidationError(_("原验证器的动态口令不正确或已过期。"), code="otp_invalid")
        return token
