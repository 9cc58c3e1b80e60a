"""Security events raised by Django, django-axes and model changes, wherever they happen."""

from allauth.account.authentication import get_authentication_records
from allauth.account.signals import (
    authentication_step_completed,
    email_changed,
    email_confirmed,
    password_changed,
    password_reset,
    user_signed_up,
)
from allauth.mfa.signals import (
    authentication_failed,
    authenticator_added,
    authenticator_removed,
)
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import Signal, receiver

from .events import Event, Outcome, account_named, record, username_fingerprint

User = get_user_model()
PRIVILEGE_FLAGS = ("is_staff", "is_superuser", "is_active")
# Sent with user_ids once a user's groups, permissions or privilege flags have changed and been
# recorded: accounts/signals.py renews their sessions.
user_privileges_changed = Signal()


@receiver(user_logged_in)
def logged_in(sender, request, user, **kwargs):
    record(Event.LOGIN_SUCCEEDED, Outcome.SUCCESS, request, user=user, steps=steps_passed(request, user))


def steps_passed(request, user):
    """The sign-in steps this session went through, e.g. ["password", "totp"] or ["webauthn (passkey)"]."""
    steps = []
    for step in get_authentication_records(request, user):
        if step.get("method") == "mfa":
            steps.append(f"{step.get('type')}{' (passkey)' if step.get('passwordless') else ''}")
        else:
            steps.append(str(step.get("method")))
    return steps


@receiver(user_signed_up)
def signed_up(sender, request, user, **kwargs):
    record(Event.SIGNED_UP, Outcome.SUCCESS, request, user=user)


@receiver(email_confirmed)
def confirmed(sender, request, email_address, **kwargs):
    record(Event.EMAIL_CONFIRMED, Outcome.SUCCESS, request, user=email_address.user)


@receiver(email_changed)
def changed_email(sender, request, user, from_email_address=None, to_email_address=None, **kwargs):
    record(Event.EMAIL_CHANGED, Outcome.SUCCESS, request, user=user)


@receiver(password_changed)
def changed_password(sender, request, user, **kwargs):
    record(Event.PASSWORD_CHANGED, Outcome.SUCCESS, request, user=user)


@receiver(password_reset)
def reset_password(sender, request, user, **kwargs):
    record(Event.PASSWORD_RESET_COMPLETED, Outcome.SUCCESS, request, user=user)


@receiver(authentication_step_completed)
def step_completed(sender, request, user, method, **kwargs):
    if kwargs.get("reauthenticated"):
        record(Event.REAUTHENTICATED, Outcome.SUCCESS, request, user=user, method=method)


@receiver(authenticator_added)
def factor_added(sender, request, user, authenticator, **kwargs):
    record(Event.TWO_FACTOR_ENROLLED, Outcome.SUCCESS, request, user=user, factor=authenticator.type)


@receiver(authenticator_removed)
def factor_removed(sender, request, user, authenticator, **kwargs):
    record(Event.TWO_FACTOR_REMOVED, Outcome.SUCCESS, request, user=user, factor=authenticator.type)


@receiver(authentication_failed)
def factor_failed(sender, request, user, authenticator=None, **kwargs):
    factor = authenticator.type if authenticator is not None else None
    record(Event.TWO_FACTOR_FAILED, Outcome.FAILURE, request, user=user, factor=factor)


@receiver(user_logged_out)
def logged_out(sender, request, user, **kwargs):
    record(Event.LOGOUT, Outcome.SUCCESS, request, user=user)


@receiver(user_login_failed)
def login_failed(sender, credentials, request=None, **kwargs):
    # Only the account id is kept when the name matches an account; otherwise a keyed hash, since the
    # typed "username" may be a password entered in the wrong field.
    typed = credentials.get("email") or credentials.get("username")
    account = account_named(typed)
    details = {} if account else {"username_hash": username_fingerprint(typed)}
    record(Event.LOGIN_FAILED, Outcome.FAILURE, request, user=account, **details)


@receiver(user_locked_out)
def locked_out(sender, request, username, ip_address, **kwargs):
    account = account_named(username)
    details = {} if account else {"username_hash": username_fingerprint(username)}
    record(Event.LOCKOUT, Outcome.DENIED, request, user=account, **details)


@receiver(m2m_changed, sender=User.groups.through)
def groups_changed(sender, instance, action, pk_set, reverse, **kwargs):
    _membership_changed(Event.GROUPS_CHANGED, "group_ids", instance, action, pk_set, reverse)


@receiver(m2m_changed, sender=User.user_permissions.through)
def permissions_changed(sender, instance, action, pk_set, reverse, **kwargs):
    _membership_changed(Event.PERMISSIONS_CHANGED, "permission_ids", instance, action, pk_set, reverse)


def _membership_changed(event, field, instance, action, pk_set, reverse):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    change = {"post_add": "added", "post_remove": "removed", "post_clear": "cleared"}[action]
    if reverse:  # changed from the group's or permission's side: one event per affected user
        users = list(User.objects.filter(pk__in=pk_set or []))
        for user in users:
            record(event, Outcome.SUCCESS, target_user_id=user.pk, change=change, **{field: [instance.pk]})
        user_ids = [user.pk for user in users]
    else:
        record(event, Outcome.SUCCESS, target_user_id=instance.pk, change=change, **{field: sorted(pk_set or [])})
        user_ids = [instance.pk]
    user_privileges_changed.send(sender=User, user_ids=user_ids)


# The stored flags of each user being saved, from pre_save to its post_save. Keyed by id(): two copies
# of one user compare equal (same pk), so as keys they would swap each other's values when saved at once.
flags_before_save = {}


@receiver(pre_save, sender=User)
def remember_privileges(sender, instance, **kwargs):
    stored = User.objects.filter(pk=instance.pk).values(*PRIVILEGE_FLAGS).first() if instance.pk else None
    flags_before_save[id(instance)] = stored  # taken by post_save; a failed save's is replaced by the next


@receiver(post_save, sender=User)
def privileges_changed(sender, instance, created, **kwargs):
    before = flags_before_save.pop(id(instance), None)
    after = {flag: getattr(instance, flag) for flag in PRIVILEGE_FLAGS}
    if created:
        before = {"is_staff": False, "is_superuser": False, "is_active": True}
    if before is None:
        return
    changes = {
        flag: {"from": before[flag], "to": after[flag]} for flag in PRIVILEGE_FLAGS if before[flag] != after[flag]
    }
    if changes:
        record(Event.PRIVILEGE_CHANGED, Outcome.SUCCESS, target_user_id=instance.pk, **changes)
        if not created:
            user_privileges_changed.send(sender=User, user_ids=[instance.pk])
