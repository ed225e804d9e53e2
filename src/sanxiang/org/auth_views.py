"""The login doors (docs/security-auth.md): password, then the TOTP code or enrolment, and the
re-authentication page of sensitive acts. Every outcome is recorded as a SecurityEvent."""

from __future__ import annotations

import re
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from sanxiang.org import otp, security, sso
from sanxiang.org.models import SecurityEventKind
from sanxiang.org.reauth import PENDING

TOKEN = re.compile(r"^\d{6}$")


def _next(request, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _locked_message(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return _("登录失败次数过多，已暂停登录，请 %(minutes)d 分钟后再试。") % {"minutes": minutes}


def _lock_out(request):
    """Too many wrong codes or passwords after the login: the session ends."""
    wait = security.locked_for(request, request.user.get_username())
    logout(request)
    messages.error(request, _locked_message(wait))
    return redirect("login")


class LoginView(auth_views.LoginView):
    """Django's login page behind the lockout; with a second factor, the code page follows."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sso_enabled": sso.enabled()}

    def form_invalid(self, form):
        wait = security.locked_for(self.request, self.request.POST.get("username", ""))
        context = self.get_context_data(form=form, locked_message=_locked_message(wait) if wait else "")
        response = self.render_to_response(context, status=429 if wait else 200)
        if wait:
            response["Retry-After"] = str(wait)
        return response

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        if otp.needs_second_factor(user):
            target = "otp-verify" if otp.confirmed_device(user) else "otp-enrol"
            return redirect(f"{reverse(target)}?next={quote(self.get_success_url())}")
        return response


def _check_code(request, device, code: str) -> bool:
    code = re.sub(r"\s", "", code or "")
    return bool(TOKEN.match(code)) and device.verify_token(code)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    user = request.user
    next_url = _next(request)
    device = otp.confirmed_device(user)
    if device is None:
        return (
            redirect(f"{reverse('otp-enrol')}?next={quote(next_url)}")
            if otp.required_for(user)
            else redirect(next_url)
        )
    if user.is_verified():
        return redirect(next_url)
    error = ""
    if request.method == "POST":
        if _check_code(request, device, request.POST.get("token", "")):
            otp_login(request, device)
            security.mark_authenticated(request)
            security.record(SecurityEventKind.OTP_VERIFIED, request)
            return redirect(next_url)
        security.record(SecurityEventKind.OTP_FAILED, request)
        if security.register_failure(request, user.get_username()):
            security.record(SecurityEventKind.LOCKED_OUT, request, detail="one-time code")
            return _lock_out(request)
        error = _("验证码不正确或已过期，请输入验证器当前显示的 6 位数字。")
    return render(
        request,
        "registration/otp_verify.html",
        {"next": next_url, "error": error},
        status=422 if error else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_enrol(request):
    """Enrolment: the secret as a QR code and as text; a first valid code confirms the device."""
    user = request.user
    next_url = _next(request)
    if otp.confirmed_device(user) is not None:
        return (
            redirect(f"{reverse('otp-verify')}?next={quote(next_url)}")
            if not user.is_verified()
            else redirect(next_url)
        )
    device = otp.pending_device(user)
    error = ""
    if request.method == "POST":
        if _check_code(request, device, request.POST.get("token", "")):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            security.mark_authenticated(request)
            security.record(SecurityEventKind.OTP_ENROLLED, request)
            messages.success(request, _("两步验证已启用，以后每次登录都需输入验证码。"))
            return redirect(next_url)
        security.record(SecurityEventKind.OTP_FAILED, request, detail="enrolment")
        if security.register_failure(request, user.get_username()):
            return _lock_out(request)
        error = _("验证码不正确，请确认已添加密钥并输入当前显示的 6 位数字。")
    secret = otp.secret_of(device)
    context = {
        "next": next_url,
        "error": error,
        "required": otp.required_for(user),
        "qr": mark_safe(otp.qr_svg(device)),  # noqa: S308 - SVG drawn by segno from our own URL
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return render(request, "registration/otp_enrol.html", context, status=422 if error else 200)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def reauth(request):
    """The password again before a sensitive act (org/reauth.py)."""
    next_url = _next(request)
    pending = request.session.get(PENDING)
    error = ""
    if request.method == "POST":
        username = request.user.get_username()
        user = authenticate(request, username=username, password=request.POST.get("password", ""))
        if user is not None and user.pk == request.user.pk:
            security.mark_authenticated(request)
            security.record(SecurityEventKind.REAUTH, request, detail=next_url)
            pending = request.session.pop(PENDING, None)
            if pending:
                return render(
                    request, "registration/reauth_continue.html", {"pending": pending, "next": next_url}
                )
            return redirect(next_url)
        security.record(SecurityEventKind.REAUTH_FAILED, request, detail=next_url)
        if security.locked_for(request, username):
            return _lock_out(request)
        error = _("密码不正确。")
    return render(
        request,
        "registration/reauth.html",
        {"next": next_url, "error": error, "pending": pending},
        status=422 if error else 200,
    )
