"""One canonical form per email address, wherever an address is compared, stored or counted."""


def normalize_email(email):
    """'Ann@Example.com ' and 'ann@example.com' are one account, one lockout counter, one log pseudonym."""
    return (email or "").strip().lower()
