"""A throwaway PostgreSQL cluster (testing.postgresql) that also works when we are root.

initdb and postgres refuse to run as root, so as root the server binaries run as an unprivileged
OS user (DATALINKER_PG_OS_USER, default `postgres`, else `nobody`) via setpriv, which execs in
place: the pid testing.postgresql signals is the postmaster itself.
"""

from __future__ import annotations

import os
import pwd
import subprocess
from typing import Any

import testing.postgresql


def unprivileged_user() -> pwd.struct_passwd | None:
    """The OS user to run the server as, or None when we are not root."""
    if os.geteuid() != 0:
        return None
    names = [os.environ.get("DATALINKER_PG_OS_USER", ""), "postgres", "nobody"]
    for name in filter(None, names):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root and found no unprivileged OS user (postgres, nobody) for the server")


class EphemeralPostgresql(testing.postgresql.Postgresql):  # type: ignore[misc]
    """testing.postgresql.Postgresql, root-safe; fsync off; removed with its data on stop."""

    def initialize(self) -> None:
        super().initialize()
        self.run_as = unprivileged_user()

    def _as_server_user(self, args: list[str]) -> list[str]:
        if self.run_as is None:
            return args
        uid, gid = self.run_as.pw_uid, self.run_as.pw_gid
        return ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--", *args]

    def _chown_base_dir(self) -> None:
        if self.run_as is None:
            return
        for root, dirs, files in os.walk(self.base_dir):
            for name in [root, *(os.path.join(root, d) for d in dirs), *(os.path.join(root, f) for f in files)]:
                os.chown(name, self.run_as.pw_uid, self.run_as.pw_gid)

    def initialize_database(self) -> None:
        data = os.path.join(self.base_dir, "data")
        if os.path.exists(os.path.join(data, "PG_VERSION")):
            return
        self._chown_base_dir()
        args = [self.initdb, "-D", data, "--lc-messages=C", *self.settings["initdb_args"].split()]
        proc = subprocess.run(self._as_server_user(args), capture_output=True, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"initdb failed: {proc.stderr.decode(errors='replace')}")

    def get_server_commandline(self) -> list[str]:
        return self._as_server_user(super().get_server_commandline())

    def conninfo(self, dbname: str = "test") -> str:
        dsn: dict[str, Any] = self.dsn(database=dbname)
        return f"host={dsn['host']} port={dsn['port']} user={dsn['user']} dbname={dbname}"


def reachable(conninfo: str) -> bool:
    """True when a server answers at `conninfo` within two seconds."""
    import psycopg

    try:
        with psycopg.connect(conninfo, connect_timeout=2):
            return True
    except psycopg.Error:
        return False
