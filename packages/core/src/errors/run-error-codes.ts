/**
 * Every code a run's `error.code` can hold, with what it means: the one catalog of run error
 * codes. Codes of the agent adapters (`agent_*`), the model providers (`model_*`), the tools
 * (including `secret_*` and `mcp_*`) and the run's workflow are all declared here, and the
 * code types of those parts are checked against it, so a new code cannot be thrown without a
 * line here. Tool results the model sees use the same codes, plus any code a tool's own
 * `ToolError` chose; such a code never becomes a run's error (see {@link runErrorCodeOfTool}).
 *
 * Plain data, no zod: workflow code imports it.
 */
export const runErrorCodes = {
  // The run itself, as its workflow ends it.
  run_cancelled: 'The run was cancelled (`POST /v1/runs/{id}/cancel`), while queued or while it ran.',
  run_interrupted:
    'A newer run of its thread (`multitaskStrategy: interrupt`) stopped the run at a step boundary; what it did stays in the thread.',
  run_timed_out: 'The run passed its deadline, `limits.timeoutSeconds`; steps in flight were stopped.',
  max_steps_exceeded: 'The agent gave no final answer within `limits.maxSteps` decision steps.',
  budget_exceeded:
    "The run used up `limits.maxTokens` or `limits.maxCostUsd`: the step that crossed it ended the run, or the next model call's worst case did not fit in what was left and was not started.",
  tenant_budget_exceeded:
    "The tenant's monthly budget (`limits.monthlyCostUsd` or `limits.monthlyTokens` of the tenant) was spent while the run ran: it stopped before its next step.",
  already_finished: "The run's workflow found the run already ended (cancelled while queued) and did nothing.",
  approval_expired:
    'No reviewer decided on a tool call within `approvals.timeoutSeconds`. With `onTimeout: fail` it fails the run; otherwise the model gets it as the tool result.',
  callback_expired:
    "No outside system POSTed to a callback tool's URL within its `timeoutSeconds`. With `onTimeout: fail` it fails the run; otherwise the model gets it as the tool result.",
  activity_failed: 'A step failed, after its retries, with an error of no catalogued code; the message says what.',
  internal: 'A defect of the runtime ended the run; the message says what.',
  not_found: 'A record the run needed (the run row, its agent version) no longer exists.',
  invalid_state_transition: 'The run could not move to the state its workflow asked for: it had already ended.',

  // Decision steps of agent adapters (code, HTTP, AI SDK, OpenAI Agents, LangGraph).
  agent_not_registered: 'The spec names an agent, graph or agent tool that no worker has registered under that name.',
  agent_unavailable: 'An agent did not answer usefully (429, 408, 5xx, network failure or timeout); retried first.',
  agent_request_rejected: 'An HTTP agent refused the step with another 4xx; not retried.',
  agent_response_invalid:
    "An agent's answer broke the step contract (e.g. a final answer beside tool calls, text that contradicts what streamed); not retried.",
  agent_failed:
    "An agent's own code threw, or it is configured in a way the runtime cannot run (e.g. an OpenAI agent with guardrails).",
  agent_state_too_large: 'An agent returned `state` larger than 256 KiB as JSON.',

  // Model provider calls (the builtin loop, AI SDK and OpenAI Agents adapters).
  model_unavailable:
    'The model provider did not answer usefully (429, 408, 5xx, network failure or timeout); retried first.',
  model_request_rejected:
    'The model provider refused the request with another 4xx (e.g. 401 for a wrong key); not retried.',
  model_response_invalid: "The model provider's answer does not parse as its protocol; retried first.",

  // Secrets a model, agent, tool or MCP server reads.
  secret_not_found: 'A secret the spec names does not exist in the tenant; a person must create it.',
  secret_unreadable: 'A secret exists but cannot be decrypted with the master keys the worker has.',
  secret_invalid_header: 'A secret holds characters an HTTP header cannot carry (line breaks, NUL or non-Latin-1).',
  secret_invalid_variable: 'A secret holds a NUL character, which an environment variable cannot carry.',
  secret_unavailable: 'A secret an MCP server needs could not be read.',

  // Tool calls: results given to the model, and a run's error when the tool's `onError` is `fail`.
  unknown_tool: 'The model called a tool this agent does not have.',
  invalid_tool_input: "The tool call's input does not match the tool's input schema.",
  tool_failed:
    'The tool step failed after its retries (e.g. its endpoint or MCP server stayed unreachable), or a tool failed with a code of its own.',
  tool_response_too_large: "An HTTP tool's answer was larger than the tool's response limit.",
  tool_response_invalid: 'An HTTP tool answered JSON that does not parse.',
  invalid_expression: 'The `calculator` tool could not evaluate the expression.',
  invalid_base64: 'The `write_artifact` tool got content that is not valid base64.',
  invalid_artifact: 'An artifact a tool saved has an invalid name or content type.',
  artifact_too_large: 'An artifact a tool saved is larger than `AR_ARTIFACT_MAX_BYTES`.',
  interrupted: "A user message interrupted the tool call (message policy `interrupt`); the call's result is dropped.",
  approval_rejected: 'A reviewer rejected the tool call; the comment is the message.',
  approval_required:
    "An OpenAI agent's tool asks for approval, but the spec does not require it (`requiresApproval` under `agent.tools`).",
  handoff_ignored: 'An OpenAI agent called a handoff tool that the runtime does not follow.',

  // MCP servers.
  mcp_server_unavailable:
    'An MCP server could not be reached during a tool call; the step is retried, then fails as `tool_failed`.',
  mcp_server_unreachable: 'An MCP server could not be reached, or did not complete its handshake in time.',
  mcp_server_refused: 'An MCP server refused the credentials sent (HTTP 401 or 403).',
  mcp_stdio_not_allowed: "A stdio MCP server's command is not allowed by `AR_MCP_STDIO_COMMANDS`.",
  mcp_list_failed: 'An MCP server failed to list its tools.',
  mcp_tool_error: 'An MCP tool answered with an error result; the message holds its content.',
  mcp_protocol_error: 'An MCP server broke the protocol in answer to a tool call.',
} as const satisfies Record<string, string>;

/**
 * Codes made of a prefix and an HTTP status, such as `http_404`: one family each, described
 * once. Keys are the codes' shape as the docs print them.
 */
export const runErrorCodeFamilies = {
  'http_<status>':
    "An HTTP tool's endpoint answered this status (e.g. `http_404`); statuses worth a retry (408, 425, 429, 500, 502–504) are retried, then end as `tool_failed`.",
  'mcp_http_<status>':
    'An MCP server over Streamable HTTP answered a tool call with this HTTP status (`mcp_http_-1`: an answer of an unexpected content type).',
} as const satisfies Record<string, string>;

/** A code of {@link runErrorCodes}. */
export type CataloguedRunErrorCode = keyof typeof runErrorCodes;

/** A code of one of the {@link runErrorCodeFamilies}. */
export type RunErrorCodeFamily = `http_${number}` | `mcp_http_${number}`;

/** A run's error code: a catalogued one, or one of a catalogued family. */
export type RunErrorCode = CataloguedRunErrorCode | RunErrorCodeFamily;

/**
 * `Codes` itself, or a compile error when one of them is not catalogued: how other parts
 * declare their code types (`type AgentStepErrorCode = RunErrorCodes<'agent_failed' | …>`).
 */
export type RunErrorCodes<Codes extends RunErrorCode> = Codes;

const familyPattern = /^(http|mcp_http)_-?\d+$/;

/** Whether a string is a run error code of the catalog. */
export function isRunErrorCode(code: string): code is RunErrorCode {
  return Object.hasOwn(runErrorCodes, code) || familyPattern.test(code);
}

/**
 * The run error code of a tool result that fails its run (tool `onError: fail`): the result's
 * own code when catalogued, else `tool_failed` (a code a tool's `ToolError` chose stays in
 * the tool result and the message, never in the run's error).
 */
export function runErrorCodeOfTool(code: string): RunErrorCode {
  return isRunErrorCode(code) ? code : 'tool_failed';
}
