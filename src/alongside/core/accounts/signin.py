"""Sign-in and sign-out, each recorded in the audit trail; failed sign-ins are throttled."""

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.decorators import method_decorator

from alongside.core import audit, throttle, two_factor
from alongside.core.middleware import second_step_not_required
from alongside.core.models import AuditAction

LOCKED_STATUS = 429


def render_locked(view: auth_views.LoginView, form: Any) -> HttpResponse:
    """The sign-in page saying to wait: the same whether or not the username exists."""
    minutes = throttle.lock_minutes()
    context = view.get_context_data(form=form, locked=True, lock_minutes=minutes)
    return view.render_to_response(context, status=LOCKED_STATUS)


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def _attempt(self) -> throttle.Attempt:
        return throttle.Attempt(
            username=str(self.request.POST.get("username", ""))[:150],
            address=audit.current_ip.get(),
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # A locked username or address is refused before its password is even checked.
        if throttle.locked_until(self._attempt()) is not None:
            with transaction.atomic():
                audit.record(
                    actor=None,
                    action=AuditAction.LOGIN_FAILED,
                    object_type="session",
                    detail={"reason": "locked"},
                )
            # An unbound form: validating it would check the password.
            form = self.get_form_class()(request, initial={"username": self._attempt().username})
            return render_locked(self, form)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            audit.record(actor=form.get_user(), action=AuditAction.LOGIN, object_type="session")
            throttle.clear_username(form.get_user().get_username())
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        # The attempted username is not stored: it may be someone's mistyped password.
        with transaction.atomic():
            audit.record(actor=None, action=AuditAction.LOGIN_FAILED, object_type="session")
            locked = throttle.record_failure(self._attempt())
        if locked:
            return render_locked(self, form)
        return super().form_invalid(form)

    def get_success_url(self) -> str:
        """Straight on to the second step when the person has one, or must set one up."""
        destination = super().get_success_url()
        user = self.request.user
        if two_factor.session_has_second_factor(self.request):
            step = "two_factor_verify"
        elif two_factor.second_factor_required(user):
            step = "two_factor_setup"
        else:
            return destination
        return f"{reverse(step)}?{urlencode({'next': destination})}"


@method_decorator(second_step_not_required, name="dispatch")
class LogoutView(auth_views.LogoutView):
    def post(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        with transaction.atomic():
            audit.record(actor=request.user, action=AuditAction.LOGOUT, object_type="session")
        return super().post(request, *args, **kwargs)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password through the emailed link also lifts a lock on the username."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        throttle.clear_username(form.user.get_username())
        return response
