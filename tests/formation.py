"""A pg_auto_failover formation on loopback for the failover tests: a monitor, a primary and a synchronous
secondary, each a `pg_autoctl` process tree of its own (run as an unprivileged OS user when we are root).
pg_auto_failover does all the failover work; this only starts, inspects and kills its processes."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from datalinker.ephemeral import unprivileged_user

BIN = Path("/usr/lib/postgresql/15/bin")
# Fast detection for a test (production keeps pg_auto_failover's defaults: 5 s checks, 20 s unhealthy).
MONITOR_SETTINGS = {"pgautofailover.health_check_period": 1000, "pgautofailover.health_check_timeout": 1000,
                    "pgautofailover.health_check_max_retries": 1, "pgautofailover.health_check_retry_delay": 500,
                    "pgautofailover.node_considered_unhealthy_timeout": 3000,
                    # How long the monitor waits for a vanished primary to have demoted itself before promoting.
                    "pgautofailover.primary_demote_timeout": 5000}


def available() -> bool:
    return shutil.which("pg_autoctl") is not None and (BIN / "pg_ctl").exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Formation:
    base: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="datalinker-paf-")))
    ports: dict[str, int] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.run_as = unprivileged_user()
        self.user = self.run_as.pw_name if self.run_as else os.environ.get("USER", "postgres")
        if self.run_as:
            os.chown(self.base, self.run_as.pw_uid, self.run_as.pw_gid)

    # -- processes -------------------------------------------------------------------------------------
    def _command(self, args: list[str]) -> list[str]:
        if self.run_as is None:
            return args
        return ["setpriv", f"--reuid={self.run_as.pw_uid}", f"--regid={self.run_as.pw_gid}", "--clear-groups", "--",
                *args]

    def _env(self) -> dict[str, str]:
        return {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", "HOME": str(self.base),
                "XDG_CONFIG_HOME": str(self.base / "config"), "XDG_DATA_HOME": str(self.base / "data"),
                "XDG_RUNTIME_DIR": str(self.base / "run")}

    def autoctl(self, *args: str) -> str:
        done = subprocess.run(self._command(["pg_autoctl", *args]), env=self._env(), capture_output=True, text=True,
                              timeout=120, cwd=self.base)
        if done.returncode != 0:
            raise RuntimeError(f"pg_autoctl {' '.join(args)}: {done.stderr}")
        return done.stdout

    def _spawn(self, name: str, args: list[str]) -> None:
        log = open(self.base / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        self.procs[name] = subprocess.Popen(self._command(["pg_autoctl", *args]), env=self._env(), cwd=self.base,
                                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    # -- lifecycle ---------------------------------------------------------------------------------------
    def start(self, timeout: float = 180) -> None:
        for name in ("monitor", "node1", "node2"):
            self.ports[name] = free_port()
        self.autoctl("create", "monitor", "--pgdata", str(self.base / "monitor"), "--pgport", str(self.ports["monitor"]),
                     "--auth", "trust", "--no-ssl", "--hostname", "127.0.0.1")
        self._spawn("monitor", ["run", "--pgdata", str(self.base / "monitor")])
        self._wait(lambda: self._query(self.ports["monitor"], "pg_auto_failover", "SELECT 1"), timeout, "the monitor")
        with psycopg.connect(self.dsn(self.ports["monitor"], "pg_auto_failover"), autocommit=True) as monitor:
            for name, value in MONITOR_SETTINGS.items():
                monitor.execute(f"ALTER SYSTEM SET {name} = {int(value)}")
            monitor.execute("SELECT pg_reload_conf()")
        for node in ("node1", "node2"):
            self._spawn(node, ["create", "postgres", "--pgdata", str(self.base / node), "--pgport", str(self.ports[node]),
                               "--monitor", f"postgres://autoctl_node@127.0.0.1:{self.ports['monitor']}/pg_auto_failover"
                               "?sslmode=disable", "--auth", "trust", "--no-ssl", "--hostname", "127.0.0.1",
                               "--dbname", "datalinker", "--name", node, "--run"])
            if node == "node1":  # the first node must be the primary before the second joins
                self._wait(lambda: self.states().get("node1") in {"single", "wait_primary", "primary"}, timeout,
                           "node1 as primary")
        # pg_basebackup of the secondary waits for a checkpoint on the primary: ask for one until it is in.
        self._wait(lambda: self._checkpoint_primary() or sorted(self.states().values()) == ["primary", "secondary"],
                   timeout, "a primary and a secondary")

    def stop(self) -> None:
        for name in ("node1", "node2", "monitor"):
            self.kill(name)
        shutil.rmtree(self.base, ignore_errors=True)

    def kill(self, name: str) -> None:
        """kill -9 a node: its pg_autoctl process tree and its postmaster."""
        proc = self.procs.get(name)
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=30)
        pidfile = self.base / name / "postmaster.pid"
        if pidfile.exists():
            try:
                os.kill(int(pidfile.read_text().split()[0]), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass

    # -- inspection --------------------------------------------------------------------------------------
    def dsn(self, port: int, dbname: str = "datalinker") -> str:
        return f"host=127.0.0.1 port={port} dbname={dbname} user={self.user} connect_timeout=3"

    def uri(self) -> str:
        """What the worker and the CLI use: both nodes, the one that accepts writes."""
        hosts = ",".join(f"127.0.0.1:{self.ports[n]}" for n in ("node1", "node2"))
        return f"postgresql://{self.user}@{hosts}/datalinker?target_session_attrs=read-write&connect_timeout=3"

    def states(self) -> dict[str, str]:
        """Each node's reported state, as the monitor knows it."""
        try:
            with psycopg.connect(self.dsn(self.ports["monitor"], "pg_auto_failover"), autocommit=True) as monitor:
                rows = monitor.execute("SELECT nodename, reportedstate::text FROM pgautofailover.node").fetchall()
        except psycopg.Error:
            return {}
        return dict(rows)

    def primary(self) -> str | None:
        """The node the monitor has made primary and that reports it is (a dead node's last report goes stale)."""
        try:
            with psycopg.connect(self.dsn(self.ports["monitor"], "pg_auto_failover"), autocommit=True) as monitor:
                row = monitor.execute("SELECT nodename FROM pgautofailover.node WHERE reportedstate = goalstate"
                                      " AND goalstate IN ('primary', 'wait_primary', 'single')").fetchone()
        except psycopg.Error:
            return None
        return None if row is None else str(row[0])

    def _query(self, port: int, dbname: str, query: str) -> bool:
        try:
            with psycopg.connect(self.dsn(port, dbname), autocommit=True) as conn:
                conn.execute(query)
            return True
        except psycopg.Error:
            return False

    def _checkpoint_primary(self) -> bool:
        self._query(self.ports["node1"], "datalinker", "CHECKPOINT")
        return False

    @staticmethod
    def _wait(condition: object, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():  # type: ignore[operator]
            if time.monotonic() > deadline:
                raise TimeoutError(f"pg_auto_failover: no {what} after {timeout:.0f} s")
            time.sleep(1.0)
