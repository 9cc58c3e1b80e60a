"""Security events raised by Django, django-axes and model changes, wherever they happen."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from .events import Event, Outcome, account_named, record, username_fingerprint

User = get_user_model()
PRIVILEGE_FLAGS = ("is_staff", "is_superuser", "is_active")


@receiver(user_logged_in)
def logged_in(sender, request, user, **kwargs):
    record(Event.LOGIN_SUCCEEDED, Outcome.SUCCESS, request, user=user)


@receiver(user_logged_out)
def logged_out(sender, request, user, **kwargs):
    record(Event.LOGOUT, Outcome.SUCCESS, request, user=user)


@receiver(user_login_failed)
def login_failed(sender, credentials, request=None, **kwargs):
    # Only the account id is kept when the name matches an account; otherwise a keyed hash, since the
    # typed "username" may be a password entered in the wrong field.
    account = account_named(credentials.get("username"))
    details = {} if account else {"username_hash": username_fingerprint(credentials.get("username"))}
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
        users = User.objects.filter(pk__in=pk_set or [])
        for user in users:
            record(event, Outcome.SUCCESS, target_user_id=user.pk, change=change, **{field: [instance.pk]})
    else:
        record(event, Outcome.SUCCESS, target_user_id=instance.pk, change=change, **{field: sorted(pk_set or [])})


@receiver(pre_save, sender=User)
def remember_privileges(sender, instance, **kwargs):
    if instance.pk:
        instance._privileges_before = User.objects.filter(pk=instance.pk).values(*PRIVILEGE_FLAGS).first()


@receiver(post_save, sender=User)
def privileges_changed(sender, instance, created, **kwargs):
    before = getattr(instance, "_privileges_before", None)
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
