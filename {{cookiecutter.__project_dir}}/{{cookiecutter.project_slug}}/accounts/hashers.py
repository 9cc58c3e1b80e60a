from django.contrib.auth.hashers import Argon2PasswordHasher as DjangoArgon2PasswordHasher


class Argon2PasswordHasher(DjangoArgon2PasswordHasher):
    """Argon2id with RFC 9106's second recommended parameters: 3 passes over 64 MiB, 4 lanes.

    Each check holds 64 MiB for ~0.14 s of one core (measured on a 2-core host). Peak memory for
    hashing is 64 MiB x the requests checking passwords at once (gunicorn workers x threads): size
    workers so that fits. Hashes made with other parameters are upgraded at the user's next login.
    """

    time_cost = 3
    memory_cost = 65_536  # KiB
    parallelism = 4
