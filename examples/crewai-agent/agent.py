"""A CrewAI agent driven one decision step at a time by Agent Runtime.

CrewAI owns its loop: it calls the model, runs the tools the model asks for and calls the
model again. Here the runtime's tools are CrewAI tools that never do the work: each is marked
``result_as_answer``, so the moment the model calls one, CrewAI ends the kickoff. The step then
answers with every tool call of that model reply as ``tool_call`` actions (with the model's own
call ids); the runtime runs them as durable tool steps (approvals, retries, recorded results),
and the next ``/step`` hands CrewAI the whole conversation again, the tool results included.
The conversation the runtime sends is the only state, so this process keeps nothing between
steps and returns no ``state``.
"""

from __future__ import annotations

import json
import os
from typing import Any

from crewai import LLM, Agent
from crewai.tools import BaseTool
from crewai.utilities.pydantic_schema_utils import create_model_from_schema
from pydantic import PrivateAttr

PROTOCOL = "agent-runtime.step/v1"

# What a deferred tool hands back to CrewAI: it ends the kickoff and is never shown to a model.
DEFERRED = "deferred to Agent Runtime"


def build_llm() -> LLM:
    """The OpenAI-compatible model named by the environment (Ollama, vLLM, a gateway...)."""
    return LLM(
        model=os.environ.get("AGENT_MODEL", "llama3.2"),
        base_url=os.environ["AGENT_MODEL_BASE_URL"],
        api_key=os.environ.get("AGENT_MODEL_API_KEY", "not-needed"),
        # Any model id on any OpenAI-compatible server, through CrewAI's native OpenAI client.
        custom_openai=True,
    )


class RuntimeTool(BaseTool):
    """One of the runtime's tools as CrewAI sees it: calling it only records that it was called."""

    result_as_answer: bool = True
    _called: list[str] = PrivateAttr(default_factory=list)

    def _run(self, **arguments: Any) -> str:
        self._called.append(self.name)
        return DEFERRED


def runtime_tools(tools: list[dict[str, Any]]) -> list[RuntimeTool]:
    """The request's tools (name, description, inputSchema) as deferred CrewAI tools."""
    return [
        RuntimeTool(
            name=tool["name"],
            description=tool.get("description") or tool["name"],
            args_schema=create_model_from_schema(
                tool.get("inputSchema") or {"type": "object"}, model_name=f"{tool['name']}_input"
            ),
        )
        for tool in tools
    ]


def tool_result_text(content: str) -> str:
    """A tool message's content for the model: the output when the call succeeded, else the
    runtime's whole outcome (``{"ok": false, "error": {...}}``) so the model sees why it failed."""
    outcome = json.loads(content)
    return json.dumps(outcome.get("output")) if outcome.get("ok") else content


def chat_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The runtime's conversation in the OpenAI chat shape CrewAI's ``kickoff`` takes."""
    converted: list[dict[str, Any]] = []
    for message in messages:
        role = message.get("role")
        if role == "tool":
            converted.append(
                {
                    "role": "tool",
                    "tool_call_id": message["toolCallId"],
                    "name": message.get("name", ""),
                    "content": tool_result_text(message["content"]),
                }
            )
        elif role == "assistant" and message.get("toolCalls"):
            converted.append(
                {
                    "role": "assistant",
                    "content": message.get("content") or None,
                    "tool_calls": [
                        {
                            "id": call["id"],
                            "type": "function",
                            "function": {"name": call["name"], "arguments": json.dumps(call.get("arguments", {}))},
                        }
                        for call in message["toolCalls"]
                    ],
                }
            )
        elif role in ("user", "assistant"):
            converted.append({"role": role, "content": message.get("content", "")})
    return converted


def requested_tool_calls(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tool calls of the model's last reply, from the kickoff's message history."""
    for message in reversed(messages):
        if message.get("role") == "assistant" and message.get("tool_calls"):
            return [
                {
                    "type": "tool_call",
                    "id": call["id"],
                    "name": call["function"]["name"],
                    "arguments": json.loads(call["function"].get("arguments") or "{}"),
                }
                for call in message["tool_calls"]
            ]
    return []


def run_step(request: dict[str, Any], llm: LLM) -> dict[str, Any]:
    """One ``/step``: a CrewAI kickoff over the conversation so far, answered with actions."""
    tools = runtime_tools(request.get("tools", []))
    agent = Agent(
        role="Assistant",
        goal=request.get("instructions") or "Answer the user's request.",
        backstory="You answer requests, calling the tools you are given when they help.",
        llm=llm,
        tools=tools,
        verbose=False,
    )
    messages = chat_messages(request.get("messages", [])) or [{"role": "user", "content": request.get("input")}]
    result = agent.kickoff(messages)

    usage = result.usage_metrics or {}
    answer: dict[str, Any] = {
        "usage": {"inputTokens": usage.get("prompt_tokens", 0), "outputTokens": usage.get("completion_tokens", 0)}
    }
    if any(tool._called for tool in tools):
        answer["actions"] = requested_tool_calls(result.messages)
    else:
        answer["actions"] = [{"type": "text", "text": result.raw}, {"type": "final", "output": {"text": result.raw}}]
    return answer
