"""Sign-in (password, then the second step where there is one), sign-out and two-step set-up."""

from alongside.core.accounts.signin import LoginView, LogoutView, PasswordResetConfirmView

__all__ = ["LoginView", "LogoutView", "PasswordResetConfirmView"]
