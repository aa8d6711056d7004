"""Users, API tokens and browser sessions, kept in their own SQLite file (users.db).

Tokens and session ids are random (``secrets``) and only their SHA-256 is stored,
so a copy of users.db cannot be replayed against the app.
"""
from __future__ import annotations

import hashlib
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from spamline.datadir import DataDir, no_space_left

ROLES = ("analyst", "brand-owner")
SESSION_SECONDS = 12 * 3600

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    brands TEXT NOT NULL,            -- brand names, one per line
    token_sha256 TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    id_sha256 TEXT PRIMARY KEY,
    user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS exports (
    name TEXT PRIMARY KEY,           -- file name inside the data dir's exports/
    user TEXT NOT NULL,
    selector TEXT NOT NULL,          -- "number:+86...", "brand:X", "network:ID"
    created_at REAL NOT NULL
);
"""


class AuthError(ValueError):
    """A user cannot be created or found; the message says what to do."""


@dataclass(frozen=True)
class User:
    """Someone allowed to use the web app and the API."""

    name: str
    role: str
    brands: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_analyst(self) -> bool:
        return self.role == "analyst"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class Users:
    """The users.db of one data directory."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        self.path = path
        self._lock = threading.Lock()
        if read_only:
            self._db = _read_only(path)
            return
        self._db = sqlite3.connect(path, timeout=10, check_same_thread=False)
        self._db.execute("PRAGMA foreign_keys = ON")
        try:
            with self._connect() as db:
                db.executescript(_SCHEMA)
        except sqlite3.OperationalError as exc:
            full = no_space_left(path.parent)
            if full:
                raise full from exc
            raise

    @classmethod
    def of(cls, data_dir: DataDir, read_only: bool = False) -> "Users":
        return cls(data_dir.root / "users.db", read_only)

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """The one connection, for one transaction at a time (the app serves many threads)."""
        with self._lock, self._db:
            yield self._db

    # --- users --------------------------------------------------------------
    def add(self, name: str, role: str, brands: list[str] | tuple[str, ...] = ()) -> str:
        """Create a user and return its API token (shown once, never stored)."""
        name = name.strip()
        brands = tuple(b.strip() for b in brands if b.strip())
        if not name:
            raise AuthError("a user needs a name")
        if role not in ROLES:
            raise AuthError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
        if role == "brand-owner" and not brands:
            raise AuthError("a brand-owner needs at least one --brand")
        token = "spl_" + secrets.token_urlsafe(32)
        try:
            with self._connect() as db:
                db.execute(
                    "INSERT INTO users VALUES (?, ?, ?, ?, ?)",
                    (name, role, "\n".join(brands), _digest(token), time.time()),
                )
        except sqlite3.IntegrityError as exc:
            raise AuthError(
                f"user {name!r} already exists; remove it first with `spamline user remove {name}`"
            ) from exc
        return token

    def remove(self, name: str) -> None:
        """Delete a user, its sessions and its token."""
        with self._connect() as db:
            if db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount == 0:
                raise AuthError(f"no user named {name!r}; see `spamline user list`")

    def list(self) -> list[User]:
        with self._connect() as db:
            rows = db.execute("SELECT name, role, brands FROM users ORDER BY name").fetchall()
        return [_user(*row) for row in rows]

    def by_token(self, token: str) -> User | None:
        """The user owning an API token, or None."""
        with self._connect() as db:
            row = db.execute(
                "SELECT name, role, brands FROM users WHERE token_sha256 = ?", (_digest(token),)
            ).fetchone()
        return _user(*row) if row else None

    # --- browser sessions ---------------------------------------------------
    def open_session(self, user: User) -> str:
        """A new session id for the login cookie."""
        session = secrets.token_urlsafe(32)
        with self._connect() as db:
            db.execute("DELETE FROM sessions WHERE expires_at < ?", (time.time(),))
            db.execute(
                "INSERT INTO sessions VALUES (?, ?, ?)",
                (_digest(session), user.name, time.time() + SESSION_SECONDS),
            )
        return session

    def by_session(self, session: str) -> User | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT u.name, u.role, u.brands FROM sessions s JOIN users u ON u.name = s.user "
                "WHERE s.id_sha256 = ? AND s.expires_at >= ?",
                (_digest(session), time.time()),
            ).fetchone()
        return _user(*row) if row else None

    def close_session(self, session: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM sessions WHERE id_sha256 = ?", (_digest(session),))

    # --- who made which export ----------------------------------------------
    def record_export(self, name: str, user: User, selector: str) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO exports VALUES (?, ?, ?, ?)",
                (name, user.name, selector, time.time()),
            )

    def exports(self, user: User) -> list[tuple[str, str, str, float]]:
        """(name, user, selector, created_at) of the exports this user may download."""
        sql = "SELECT name, user, selector, created_at FROM exports"
        args: tuple = ()
        if not user.is_analyst:
            sql += " WHERE user = ?"
            args = (user.name,)
        with self._connect() as db:
            return db.execute(sql + " ORDER BY created_at DESC", args).fetchall()


def _read_only(path: Path) -> sqlite3.Connection:
    """users.db of a read-only archive: users, tokens and exports read from it; sign-in
    sessions kept in a TEMP table, which shadows the file's for this process."""
    from spamline.store.sqlite import connect_read_only

    try:
        db = connect_read_only(path, 10)
    except (FileNotFoundError, sqlite3.Error) as exc:
        raise AuthError(f"cannot read the users of this read-only data dir ({path}: {exc}); "
                        "add users with `spamline user add` where it is writable") from exc
    db.execute("CREATE TEMP TABLE sessions (id_sha256 TEXT PRIMARY KEY, user TEXT NOT NULL, "
               "expires_at REAL NOT NULL)")
    return db


def _user(name: str, role: str, brands: str) -> User:
    return User(name=name, role=role, brands=tuple(b for b in brands.split("\n") if b))
