"""Reading a Content-Security-Policy header."""


def parse_csp(header):
    """Directive name -> list of sources. django-csp orders directives differently run to run."""
    policy = {}
    for part in header.split(";"):
        tokens = part.split()
        if tokens:
            policy[tokens[0].lower()] = tokens[1:]
    return policy
