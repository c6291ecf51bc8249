"""Serves the PydanticAI agent over agent-runtime.step/v1 (docs/agent-protocol.md).

    AGENT_MODEL_BASE_URL=http://127.0.0.1:11434/v1 AGENT_MODEL=llama3.2 python server.py --port 8700

Then register an agent version with ``"agent": {"kind": "http", "url": "http://127.0.0.1:8700"}``.
Prints ``listening on http://127.0.0.1:<port>`` once it accepts requests (``--port 0`` picks a
free port). Standard library only, besides PydanticAI.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pydantic_ai.exceptions import ModelHTTPError

from agent import PROTOCOL, build_model, run_step

MAX_BODY_BYTES = 16 * 1024 * 1024


class StepHandler(BaseHTTPRequestHandler):
    """``POST /step``: one decision step. Anything else is 404."""

    model = None

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
            self.answer(200, asyncio.run(run_step(request, self.model)))
        except ModelHTTPError as error:
            # The model's rate limits and outages are the runtime's to retry; its refusals are not.
            status = 503 if error.status_code == 429 or error.status_code >= 500 else 422
            self.answer(status, {"error": "model_failed", "message": str(error)[:500]}, {"retry-after": "1"})
        except Exception as error:  # noqa: BLE001 (a step must answer, never hang up)
            traceback.print_exc()
            self.answer(500, {"error": "agent_failed", "message": str(error)[:500]})

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
        sys.stderr.write(f"[pydantic-ai-agent] {format % args}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8700)
    arguments = parser.parse_args()
    StepHandler.model = build_model()
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
