"""How passwords are stored: Argon2id at OWASP's minimum cost.

Django's own Argon2 hasher asks for 100 MiB and eight lanes per hash — about a
second of a small server's cores per sign-up or sign-in. OWASP's password
storage guidance lists Argon2id with 19 MiB of memory, two passes and one lane
as its first, memory-hard configuration (scrypt, our previous hasher, at
N=2^14, r=8 is its equivalent at 16 MiB); it costs ~25-90 ms here instead of
scrypt's ~210-460 ms, which is what lets a sign-up answer in under 200 ms. Hashes
of earlier hashers (scrypt, PBKDF2) still verify and are re-hashed with this
one at the user's next sign-in (Django's ``must_update``).
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id, 19 MiB, 2 passes, 1 lane (parameters are stored in each hash)."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
