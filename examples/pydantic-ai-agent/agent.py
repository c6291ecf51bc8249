"""A PydanticAI agent driven one decision step at a time by Agent Runtime.

The agent never runs a tool itself: the runtime's tools are handed to PydanticAI as an
``ExternalToolset``, so when the model calls one the run ends with ``DeferredToolRequests``.
Those calls go back to the runtime as ``tool_call`` actions; the runtime runs them as durable
tool steps (approvals, retries, recorded results) and the next ``/step`` resumes the agent
with the results as ``DeferredToolResults``. PydanticAI's message history travels in the
step's ``state`` (``ModelMessagesTypeAdapter``), so this process keeps nothing between steps.
"""

from __future__ import annotations

import json
import os
from typing import Any

from pydantic_ai import (
    Agent,
    DeferredToolRequests,
    DeferredToolResults,
    ExternalToolset,
    ModelMessagesTypeAdapter,
    ToolDefinition,
)
from pydantic_ai.models.openai import OpenAIChatModel
from pydantic_ai.providers.openai import OpenAIProvider

PROTOCOL = "agent-runtime.step/v1"


def build_model() -> OpenAIChatModel:
    """The OpenAI-compatible model named by the environment (Ollama, vLLM, a gateway...)."""
    return OpenAIChatModel(
        os.environ.get("AGENT_MODEL", "llama3.2"),
        provider=OpenAIProvider(
            base_url=os.environ["AGENT_MODEL_BASE_URL"],
            api_key=os.environ.get("AGENT_MODEL_API_KEY", "not-needed"),
        ),
    )


def tool_definitions(tools: list[dict[str, Any]]) -> list[ToolDefinition]:
    """The runtime's tools (name, description, inputSchema) as PydanticAI tool definitions."""
    return [
        ToolDefinition(
            name=tool["name"],
            description=tool.get("description") or None,
            parameters_json_schema=tool.get("inputSchema") or {"type": "object"},
        )
        for tool in tools
    ]


def tool_results(messages: list[dict[str, Any]], pending: list[str]) -> dict[str, Any]:
    """Results of the calls the last step asked for, from the runtime's tool messages.

    A result is the tool's output when it succeeded, else the runtime's outcome
    (``{"ok": false, "error": {...}}``) so that the model sees why the call failed.
    """
    results: dict[str, Any] = {}
    for message in messages:
        if message.get("role") != "tool" or message.get("toolCallId") not in pending:
            continue
        outcome = json.loads(message["content"])
        results[message["toolCallId"]] = outcome.get("output") if outcome.get("ok") else outcome
    return results


def user_messages_since_last_reply(messages: list[dict[str, Any]]) -> list[str]:
    """User messages that arrived after the agent's last reply (the run input at step 1)."""
    texts: list[str] = []
    for message in reversed(messages):
        if message.get("role") == "assistant":
            break
        if message.get("role") == "user":
            texts.insert(0, message["content"])
    return texts


async def run_step(request: dict[str, Any], model: OpenAIChatModel) -> dict[str, Any]:
    """One ``/step``: resume the PydanticAI run from ``state`` and answer with actions."""
    agent = Agent(
        model,
        instructions=request.get("instructions"),
        output_type=[str, DeferredToolRequests],
        toolsets=[ExternalToolset(tool_definitions(request.get("tools", [])))],
    )
    state = request.get("state") or {}
    messages = request.get("messages", [])
    history = ModelMessagesTypeAdapter.validate_python(state["history"]) if state.get("history") else None
    pending: list[str] = state.get("pending", [])
    if history is not None and pending:
        result = await agent.run(
            message_history=history,
            deferred_tool_results=DeferredToolResults(calls=tool_results(messages, pending)),
        )
    else:
        prompt = "\n\n".join(user_messages_since_last_reply(messages)) or "Continue."
        result = await agent.run(prompt, message_history=history)

    usage = result.usage()
    next_state: dict[str, Any] = {"history": json.loads(ModelMessagesTypeAdapter.dump_json(result.all_messages()))}
    output = result.output
    if isinstance(output, DeferredToolRequests):
        next_state["pending"] = [call.tool_call_id for call in output.calls]
        actions = [
            {"type": "tool_call", "id": call.tool_call_id, "name": call.tool_name, "arguments": call.args_as_dict()}
            for call in output.calls
        ]
    else:
        actions = [{"type": "text", "text": output}, {"type": "final", "output": {"text": output}}]
    return {
        "actions": actions,
        "state": next_state,
        "usage": {"inputTokens": usage.input_tokens, "outputTokens": usage.output_tokens},
    }
