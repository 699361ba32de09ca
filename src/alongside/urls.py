from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from alongside import home
from alongside.core import accounts
from alongside.core.accounts import second_factor

_public = login_not_required

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts.LogoutView.as_view(), name="logout"),
    path("accounts/two-step/", second_factor.overview, name="two_factor"),
    path("accounts/two-step/set-up/", second_factor.setup, name="two_factor_setup"),
    path("accounts/two-step/code/", second_factor.verify, name="two_factor_verify"),
    path(
        "accounts/two-step/recovery-codes/",
        second_factor.recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("accounts/two-step/remove/", second_factor.remove, name="two_factor_remove"),
    path("accounts/two-step/reset/<int:pk>/", second_factor.reset, name="two_factor_reset"),
    path(
        "accounts/password/change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        _public(auth_views.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        _public(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        _public(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path("", include("alongside.core.urls")),
    path("organisation/", include("alongside.organisation.urls")),
    path("practice/", include("alongside.practice.urls")),
    path("measures/", include("alongside.measures.urls")),
    path("evaluation/", include("alongside.evaluation.urls")),
    path("workforce/", include("alongside.workforce.urls")),
    path("qualitative/", include("alongside.qualitative.urls")),
    path("reports/", include("alongside.reports.urls")),
    path("privacy/", include("alongside.privacy.urls")),
]
