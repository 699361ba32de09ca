"""Sign-in and sign-out, each recorded in the audit trail."""

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpResponse
from django.utils.decorators import method_decorator

from alongside.core import audit
from alongside.core.models import AuditAction


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            audit.record(actor=form.get_user(), action=AuditAction.LOGIN, object_type="session")
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        # The attempted username is not stored: it may be someone's mistyped password.
        with transaction.atomic():
            audit.record(actor=None, action=AuditAction.LOGIN_FAILED, object_type="session")
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    def post(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        with transaction.atomic():
            audit.record(actor=request.user, action=AuditAction.LOGOUT, object_type="session")
        return super().post(request, *args, **kwargs)
