"""Remember each signed-in user's language, so that what workers send them later (e-mails,
digests) is in the language they read the site in."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from accounts.models import User


class RememberLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        language = translation.get_language()
        if isinstance(user, User) and user.is_authenticated and language != user.language:
            # one UPDATE when it changes, none otherwise
            User.objects.filter(pk=user.pk).update(language=language)
            user.language = language
        return response
