from allauth.account.signals import authentication_step_completed, password_changed, password_reset, password_set
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from allauth.usersessions.adapter import get_adapter
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.db.models.signals import post_migrate, pre_delete
from django.dispatch import receiver

from ..audit.events import current_request
from ..audit.signals import user_privileges_changed
from .mfa_policy import ENROLLED_SESSION_KEY
from .models import User
from .role_sync import sync


@receiver(post_migrate)
def sync_roles_after_migrate(sender, app_config=None, using="default", **kwargs):
    """Keep roles current on every `migrate`, on every database, tests included."""
    if app_config is None or app_config.label != "accounts":
        return
    # post_migrate reaches apps in INSTALLED_APPS order, so later apps' permissions may not exist yet:
    # create them all first (idempotent, as Django does for each app).
    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    sync()
    sync_site(using)


def sync_site(using):
    """The one Site (SITE_ID) carries the project's name and first host, not Django's example.com."""
    from django.conf import settings
    from django.contrib.sites.models import Site

    domain = next((host.lstrip(".") for host in settings.ALLOWED_HOSTS if host.strip(".*")), "localhost")
    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": settings.SITE_NAME}
    )


@receiver(password_changed)
@receiver(password_set)
@receiver(password_reset)
@receiver(authenticator_added)
@receiver(authenticator_removed)
@receiver(authenticator_reset)
def end_other_sessions(sender, request, user, **kwargs):
    """A changed password or factor ends every other session of the user: whoever held the old
    credential is signed out everywhere it was used."""
    current = request.session.session_key if hasattr(request, "session") else None
    get_adapter().end_sessions(UserSession.objects.filter(user=user).exclude(session_key=current))


@receiver(authentication_step_completed)
def renew_key_on_reauthentication(sender, request, user, reauthenticated=False, **kwargs):
    """Giving the password (or a factor) again gets a new session key, as signing in does: the key
    from before, if it was stolen or planted, never gains the recent-authentication privileges."""
    if not reauthenticated:
        return
    old = request.session.session_key
    request.session.cycle_key()  # deletes the old key from the session store
    UserSession.objects.filter(session_key=old).update(session_key=request.session.session_key)


@receiver(pre_delete, sender=User)
def end_sessions_of_deleted_user(sender, instance, **kwargs):
    """A deleted account's sessions end with it (admin, bulk or ORM delete), removed from the session
    store rather than left behind unused."""
    request = current_request.get()
    own = request.session.session_key if request is not None and hasattr(request, "session") else None
    get_adapter().end_sessions(UserSession.objects.filter(user=instance).exclude(session_key=own))
    if own and request.user.pk == instance.pk:
        request.session.flush()  # the request deleting its own account: its session ends as it answers


@receiver(authenticator_added)
def remember_enrolment(sender, request, user, **kwargs):
    # Adding a factor takes a valid code from it (or a passkey's signature): this session has proven
    # the factor, so the admin opens without a second sign-in.
    request.session[ENROLLED_SESSION_KEY] = True


@receiver(authenticator_added)
def spend_the_enrolment_code(sender, request, user, authenticator, **kwargs):
    # allauth checks the code typed to add an authenticator app without marking it used, so the same
    # code could complete a sign-in within its window: spend it, as a sign-in with it would.
    if authenticator.type == Authenticator.Type.TOTP:
        authenticator.wrap().validate_code(request.POST.get("code", ""))


@receiver(user_privileges_changed)
def renew_sessions(sender, user_ids, **kwargs):
    """New privileges, new sessions: the request that made the change gets a new session key if it is
    the user's own; every other session of theirs ends, so a session id seen before the change (or
    planted: session fixation) never carries the new privileges."""
    request = current_request.get()
    own = request.session.session_key if request is not None and getattr(request, "user", None) else None
    if request is not None and own and request.user.pk in user_ids:
        request.session.cycle_key()
    get_adapter().end_sessions(UserSession.objects.filter(user_id__in=user_ids).exclude(session_key=own))
