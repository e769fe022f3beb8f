from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format

from santelocale.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def locked_out(request, credentials=None, *args, **kwargs):
    """The answer to a login refused by django-axes (site or /admin/): the login page, status 429, saying
    when to try again. Every attempt while refused — even with the right password — starts the wait again."""
    retry_at = timezone.localtime(timezone.now() + settings.AXES_COOLOFF_TIME)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    when = date_format(retry_at, "H \\h i")
    message = (
        "Trop de tentatives de connexion échouées pour ce compte depuis votre adresse : la connexion est "
        f"bloquée pendant {minutes} minutes. Réessayez après {when} "
        "(chaque nouvelle tentative d’ici là repousse ce délai)."
    )
    form = LoginForm(request, initial={"username": (credentials or {}).get("username", "")})
    return render(
        request,
        "accounts/login.html",
        {"form": form, "locked_message": message, "next": request.POST.get("next", "")},
        status=429,
    )


def personal_data(request):
    """« Données personnelles »: what is kept, why, who sees it, for how long, how it is erased."""
    return render(request, "accounts/personal_data.html")
