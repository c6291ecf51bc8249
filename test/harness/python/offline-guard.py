"""Runs a Python script with every connection off the machine refused and reported.

    python offline-guard.py path/to/server.py [its arguments...]

A test's proof that an example agent phones nobody home: an audit hook (PEP 578) sees each
name lookup (``socket.getaddrinfo``) and connect (``socket.connect``) made through Python's
socket module, which every pure-Python HTTP client, OpenTelemetry's exporters included, goes
through. A non-loopback one is refused with OSError and reported on stderr as
``offline-guard: refused ...``, which the test looks for. Native code that opens sockets
itself (gRPC's C core) is not seen: the examples export nothing over gRPC.
"""

from __future__ import annotations

import ipaddress
import os
import runpy
import socket
import sys
from typing import Any

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def is_loopback(host: Any) -> bool:
    if host is None:
        return True  # a wildcard lookup for a listening socket
    name = host.decode() if isinstance(host, bytes) else str(host)
    if name.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name.split("%")[0]).is_loopback
    except ValueError:
        return False


def refuse(what: str) -> None:
    sys.stderr.write(f"offline-guard: refused {what}\n")
    sys.stderr.flush()
    raise OSError(f"offline-guard: {what} is off limits in this test")


def guard(event: str, args: tuple[Any, ...]) -> None:
    if event == "socket.getaddrinfo" and not is_loopback(args[0]):
        refuse(f"name lookup of {args[0]!r}")
    elif event == "socket.connect":
        sock, address = args
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(address[0]):
            refuse(f"connection to {address!r}")


def main() -> None:
    script = os.path.abspath(sys.argv[1])
    sys.argv = sys.argv[1:]
    # As `python script.py` would: the script's directory first on the import path.
    sys.path.insert(0, os.path.dirname(script))
    sys.addaudithook(guard)
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main()
