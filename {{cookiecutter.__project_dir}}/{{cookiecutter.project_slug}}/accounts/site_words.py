"""Passwords made of the site's own words (its name, its package name, its domain) are refused: they
are the first guesses of anyone attacking this particular site. Letters and digits are compared,
case and separators ignored ("My-Secure-Site!" contains "mysecuresite")."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError

MIN_WORD = 4  # shorter pieces ("my", "com") would refuse half the dictionary


def flat(text):
    return re.sub(r"[^a-z0-9]", "", text.lower())


def site_words():
    """Each configured word whole, and its pieces (a domain's labels but the last, "example" in example.com)."""
    words = set()
    for phrase in settings.PASSWORD_SITE_WORDS:
        pieces = re.split(r"[^A-Za-z0-9]+", phrase)
        if "." in phrase:
            pieces = phrase.split(".")[:-1]
        words.update(flat(piece) for piece in [phrase, *pieces])
    return sorted(word for word in words if len(word) >= MIN_WORD)


class SiteWordsValidator:
    """AUTH_PASSWORD_VALIDATORS entry (sign-up, change, reset)."""

    def validate(self, password, user=None):
        found = [word for word in site_words() if word in flat(password)]
        if found:
            raise ValidationError("This password contains the site's name or domain.", code="password_site_word")

    def get_help_text(self):
        return "Your password must not contain this site's name or domain."
