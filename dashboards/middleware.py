"""Without a worker (the demo), run the refresh that writes asked for before the next request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from dashboards import tasks


class RunRequestedRefreshMiddleware:
    """A no-op with a worker (it refreshes a few seconds after the write); in process it runs the
    refresh at the start of the request after a write (the redirect a form answers with), so
    every figure that request shows is current."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tasks.run_requested_refresh()
        return self.get_response(request)
