"""Serves the CrewAI agent over agent-runtime.step/v1 (docs/agent-protocol.md).

    AGENT_MODEL_BASE_URL=http://127.0.0.1:11434/v1 AGENT_MODEL=llama3.2 python server.py --port 8710

Then register an agent version with ``"agent": {"kind": "http", "url": "http://127.0.0.1:8710"}``.
Prints ``listening on http://127.0.0.1:<port>`` once it accepts requests (``--port 0`` picks a
free port). Standard library only, besides CrewAI.

CrewAI's anonymous telemetry and its trace upload are switched off before it is imported
(its documented variables; set them to something else yourself to opt back in), so the only
connections this process opens are to the model server.
"""

from __future__ import annotations

import os

for variable, value in (
    ("CREWAI_DISABLE_TELEMETRY", "true"),
    ("OTEL_SDK_DISABLED", "true"),
    ("CREWAI_TRACING_ENABLED", "false"),
):
    os.environ.setdefault(variable, value)

import argparse  # noqa: E402 (after the telemetry switches, on purpose)
import json  # noqa: E402
import sys  # noqa: E402
import traceback  # noqa: E402
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer  # noqa: E402
from typing import Any  # noqa: E402

import openai  # noqa: E402

from agent import PROTOCOL, build_llm, run_step  # noqa: E402

MAX_BODY_BYTES = 16 * 1024 * 1024


def model_status(error: BaseException) -> int | None:
    """The model server's status behind a failure (CrewAI may wrap the client's error), or
    503 when the model could not be reached at all; None when the model is not to blame."""
    current: BaseException | None = error
    while current is not None:
        if isinstance(current, (openai.APIConnectionError, openai.APITimeoutError)):
            return 503
        if isinstance(current, openai.APIStatusError):
            return current.status_code
        current = current.__cause__ or current.__context__
    return None


class StepHandler(BaseHTTPRequestHandler):
    """``POST /step``: one decision step. Anything else is 404."""

    llm = None

    def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
        if self.path.rstrip("/") != "/step":
            self.answer(404, {"error": "not_found", "message": "POST /step is the only route"})
            return
        length = int(self.headers.get("content-length") or 0)
        if length > MAX_BODY_BYTES:
            self.answer(413, {"error": "too_large", "message": f"at most {MAX_BODY_BYTES} bytes"})
            return
        try:
            request = json.loads(self.rfile.read(length))
        except ValueError:
            self.answer(400, {"error": "invalid_json", "message": "the body is not JSON"})
            return
        if not isinstance(request, dict) or request.get("protocol") != PROTOCOL:
            self.answer(400, {"error": "unsupported_protocol", "message": f"this agent speaks {PROTOCOL}"})
            return
        try:
            self.answer(200, run_step(request, self.llm))
        except Exception as error:  # noqa: BLE001 (a step must answer, never hang up)
            status = model_status(error)
            if status is None:
                traceback.print_exc()
                self.answer(500, {"error": "agent_failed", "message": str(error)[:500]})
            elif status == 429 or status >= 500:
                # The model's rate limits and outages are the runtime's to retry; its refusals are not.
                self.answer(503, {"error": "model_failed", "message": str(error)[:500]}, {"retry-after": "1"})
            else:
                self.answer(422, {"error": "model_failed", "message": str(error)[:500]})

    def answer(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the standard library's name)
        sys.stderr.write(f"[crewai-agent] {format % args}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8710)
    arguments = parser.parse_args()
    StepHandler.llm = build_llm()
    server = ThreadingHTTPServer((arguments.host, arguments.port), StepHandler)
    print(f"listening on http://{arguments.host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
