from django.conf import settings


class SecurityHeadersMiddleware:
    """Adds the headers Django's SecurityMiddleware does not send (EXTRA_SECURITY_HEADERS in security.py).

    A header a view already set is left alone, so a view can still loosen one deliberately.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = dict(settings.EXTRA_SECURITY_HEADERS)

    def __call__(self, request):
        response = self.get_response(request)
        for name, value in self.headers.items():
            response.headers.setdefault(name, value)
        return response
