"""The signed-in user's own account: changing one's password."""

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.urls import reverse

from .generic import FormPageMixin


class PasswordChangeView(FormPageMixin, auth_views.PasswordChangeView):
    """A new password ends every other session of the user (each session keeps a hash of
    the password it was signed in with, R40); this one is carried over."""

    title = "Change password"
    submit_label = "Change password"

    def save(self, form):
        user = form.save()
        update_session_auth_hash(self.request, user)
        return user

    def success_message(self, obj):
        return (
            "Your password was changed. Anywhere else you were signed in, you are now signed out."
        )

    def get_success_url_for(self, obj):
        return reverse("home")
