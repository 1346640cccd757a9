"""Password hashing with argon2id, verified off the event loop.

argon2-cffi's defaults (RFC 9106 low-memory profile: 64 MiB, 3 passes) cost
tens of milliseconds of CPU per check, which would stall every other request if
run on the event loop; checks therefore run in a thread, at most
`MAX_CONCURRENT_CHECKS` at a time so a burst of sign-ins cannot exhaust memory.

An unknown user name is checked against a dummy hash with the same parameters
as every stored hash, so the answer takes as long as for a real user and does
not reveal which names exist. Stored hashes keep those parameters: a hash made
with others (older argon2-cffi defaults, say) is replaced at the user's next
sign-in (`needs_rehash`).
"""

from __future__ import annotations

import asyncio
import base64
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import ARGON2_VERSION

MIN_LENGTH = 12
MAX_LENGTH = 1024  # argon2 takes any length; a bound keeps a request from costing more
MAX_CONCURRENT_CHECKS = 4


class PasswordRuleError(ValueError):
    """A new password is not acceptable; the message says why, for people."""


def check_new_password(password: str, repeated: str | None = None) -> None:
    if repeated is not None and password != repeated:
        raise PasswordRuleError("the two passwords differ")
    if len(password) < MIN_LENGTH:
        raise PasswordRuleError(f"a password has at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise PasswordRuleError(f"a password has at most {MAX_LENGTH} characters")


def unmatchable_hash(hasher: PasswordHasher) -> str:
    """A hash in `hasher`'s encoding and parameters with a random salt and digest:
    no password matches it, and checking one against it costs exactly what a real
    check costs. Made without hashing, so no request pays for making it."""

    def b64(size: int) -> str:
        return base64.b64encode(secrets.token_bytes(size)).decode().rstrip("=")

    costs = f"m={hasher.memory_cost},t={hasher.time_cost},p={hasher.parallelism}"
    kind = f"argon2{hasher.type.name.lower()}"
    return f"${kind}$v={ARGON2_VERSION}${costs}${b64(hasher.salt_len)}${b64(hasher.hash_len)}"


class Passwords:
    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._dummy = unmatchable_hash(self._hasher)
        self._slots = asyncio.Semaphore(MAX_CONCURRENT_CHECKS)

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    async def hash_off_loop(self, password: str) -> str:
        async with self._slots:
            return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, stored_hash: str | None, password: str) -> bool:
        """True when `password` matches `stored_hash`; None stands for "no such user"
        and takes as long as a real check before answering False."""
        if len(password) > MAX_LENGTH:
            return False
        async with self._slots:
            matched = await asyncio.to_thread(self._check, stored_hash, password)
        return matched and stored_hash is not None

    def needs_rehash(self, stored_hash: str) -> bool:
        """True when `stored_hash` was made with other parameters than new hashes get."""
        try:
            return self._hasher.check_needs_rehash(stored_hash)
        except InvalidHashError:
            return True

    def _check(self, stored_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(stored_hash or self._dummy, password)
        except (VerificationError, InvalidHashError):
            return False
