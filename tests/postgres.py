"""A real PostgreSQL server for the store's tests, started with pytest-postgresql's executor.

Debian's postgresql package (``make sysdeps``) provides pg_ctl. PostgreSQL refuses to run as
root, so as root (CI, the dev box) every pg_ctl call goes through a small wrapper that runs it as
the ``postgres`` system user, on a data folder that user owns.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shlex
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from port_for import get_port
from pytest_postgresql.executors import PostgreSQLExecutor
from pytest_postgresql.janitor import DatabaseJanitor

from assistant.sessions import SessionStore, database_url

RUN_AS = "postgres"
_numbers = itertools.count(1)


def find_pg_ctl() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_major)
    return found[-1] if found else shutil.which("pg_ctl")


def _major(path: str) -> int:
    try:
        return int(Path(path).parts[-3])
    except ValueError:
        return 0


def _executable(pg_ctl: str, base: Path) -> str:
    """pg_ctl itself, or as root a wrapper that runs it as the postgres user."""
    if os.geteuid() != 0:
        return pg_ctl
    try:
        user = pwd.getpwnam(RUN_AS)
    except KeyError:
        pytest.fail(f"running as root needs the '{RUN_AS}' user (Debian's postgresql package)")
    os.chown(base, user.pw_uid, user.pw_gid)
    wrapper = base / "pg_ctl-as-postgres"
    # cd /: the test's working folder is not readable by the postgres user.
    wrapper.write_text(f'#!/bin/sh\ncd / && exec runuser -u {RUN_AS} -- {pg_ctl} "$@"\n')
    wrapper.chmod(stat.S_IRWXU)
    return str(wrapper)


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[PostgreSQLExecutor]:
    pg_ctl = find_pg_ctl()
    if pg_ctl is None:
        pytest.fail("PostgreSQL is not installed: run `make sysdeps` (Debian package postgresql)")
    base = Path(tempfile.mkdtemp(prefix="assistant-pg-"))
    base.chmod(0o755)
    executor = PostgreSQLExecutor(
        executable=_executable(pg_ctl, base),
        host="127.0.0.1",
        port=int(get_port(None) or 0),
        datadir=str(base / "data"),
        unixsocketdir=str(base),
        logfile=str(base / "server.log"),
        startparams="-w",
        dbname="assistant_tests",
        # Throw-away data: no fsync; room for the many short-lived stores the suite opens.
        postgres_options="-c fsync=off -c synchronous_commit=off -c max_connections=300",
    )
    executor.start()
    _watchdog(executor, base)
    try:
        yield executor
    finally:
        executor.stop()
        shutil.rmtree(base, ignore_errors=True)


def _watchdog(executor: PostgreSQLExecutor, base: Path) -> None:
    """pg_ctl daemonises the server: if this test process is killed (a timeout, kill -9) before
    the fixture's teardown, a detached shell stops the server and removes its folder."""
    script = (
        f"while kill -0 {os.getpid()} 2>/dev/null; do sleep 2; done; "
        f"{shlex.quote(executor.executable)} stop -D {shlex.quote(executor.datadir)} -m immediate"
        f" >/dev/null 2>&1; rm -rf {shlex.quote(str(base))}"
    )
    subprocess.Popen(
        ["sh", "-c", script],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


@pytest.fixture
def postgresql_url(postgresql_server: PostgreSQLExecutor) -> Iterator[str]:
    """A fresh, empty database on the shared server; dropped after the test."""
    name = f"t{os.getpid()}_{next(_numbers)}"
    janitor = DatabaseJanitor(
        user=postgresql_server.user,
        host=postgresql_server.host,
        port=postgresql_server.port,
        dbname=name,
    )
    janitor.init()
    try:
        yield f"postgresql://{postgresql_server.user}@127.0.0.1:{postgresql_server.port}/{name}"
    finally:
        janitor.drop()


@dataclass
class Backend:
    """One database the store runs on; ``open()`` is a (re)start of the app."""

    name: str
    target: Path | str
    key_file: Path

    def open(self) -> SessionStore:
        return SessionStore(self.target, key_file=self.key_file)

    def count(self, sql: str, **params: Any) -> int:
        """A raw query beside the store (what is really in the database)."""
        engine = sa.create_engine(database_url(self.target))
        try:
            with engine.connect() as db:
                return int(db.execute(sa.text(sql), params).scalar_one())
        finally:
            engine.dispose()


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "sqlite":
        target: Path | str = tmp_path / "data" / "sessions.sqlite3"
    else:
        target = request.getfixturevalue("postgresql_url")
    return Backend(request.param, target, tmp_path / "data" / "secret.key")
