/**
 * The test harness: real services (PostgreSQL, Temporal, Redis, S3, Keycloak, model and MCP
 * servers) started on free ports, the runtime assembled in a test's process or as processes of
 * its own, and the clients and checks the end-to-end tests share. Tests import it as
 * `@agent-runtime/test-harness`; the global setup (`global-setup.ts`) is named by vitest.config.ts.
 */
export {
  approveCall,
  createAgentWithSpec,
  runEventsOf,
  startAgentRun,
  startRunOfNewAgent,
  waitForPendingApproval,
  type ApiCaller,
  type RunEvent,
} from './agent-runs.ts';
export { describeBlobStoreContract, type BlobStoreFixture } from './contracts/blob-store-contract.ts';
export {
  collectingListener,
  describeRunEventBusContract,
  eventually,
  runEvent,
  type RunEventBusFixture,
} from './contracts/event-bus-contract.ts';
export { createApiRequest, type ApiRequest } from './api-request.ts';
export { createPostgresDatabase, databaseKinds, openTestDatabase, type DatabaseKind } from './databases.ts';
export { embeddedMain, jsonApi, startEmbeddedProcess, stopProcess } from './embedded-process.ts';
export {
  agentsModulePath,
  agentsWorkerMain,
  langgraphWorkerMain,
  mcpStdioServerMain,
  openaiAgentsWorkerMain,
} from './entry-points.ts';
export { freePort } from './free-port.ts';
export { historyFromJson, historyToJson } from './history-json.ts';
export { encodingOf, payloadsOf } from './history-payloads.ts';
export { realmFile, startKeycloak, type KeycloakServer, type KeycloakServerOptions } from './keycloak-server.ts';
export {
  databaseHaystacks,
  directoryHaystacks,
  findLeaks,
  historyText,
  leakForms,
  type Haystack,
} from './leak-scan.ts';
export {
  createMcpTestServer,
  startMcpTestHttpServer,
  type McpTestHttpServer,
  type McpTestServerOptions,
} from './mcp-test-server.ts';
export { expectDeltasMatchStoredText, recordPublishedDeltas, storedStepTexts, streamingSpec } from './model-deltas.ts';
export { startLangGraphReferenceServer, type LangGraphReferenceServer } from './langgraph-reference-server.ts';
export { startTestIssuer, type IssuerKey, type TestIssuer } from './oidc-issuer.ts';
export {
  startOpenAiCompatibleServer,
  testEmbeddingDimensions,
  testEmbeddingOf,
  type ChatCompletionsBody,
  type EmbeddingsBody,
  type ReceivedEmbeddingsRequest,
  type OpenAiCompatibleServer,
  type OpenAiCompatibleServerOptions,
  type ReceivedModelRequest,
  type ServerAnswer,
  type ServerToolCall,
} from './openai-compatible-server.ts';
export { startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from './otlp-receiver.ts';
export {
  startPostgres,
  type PostgresServer,
  type PostgresServerOptions,
  type RestartablePostgresServer,
} from './postgres-server.ts';
export { startRedis, type RedisServer, type RedisServerOptions } from './redis-server.ts';
export {
  startPythonAgentServer,
  type PythonAgentServer,
  type PythonAgentServerOptions,
} from './python-agent-server.ts';
export { repoRoot } from './repo-root.ts';
export {
  readRunEventStream,
  seededRandom,
  type ReadRunEventStreamOptions,
  type ReadStream,
  type StreamedModelDelta,
  type StreamedRunEvent,
} from './run-event-stream.ts';
export { startTestRuntime, waitForRun, type TestRuntime, type TestRuntimeOptions } from './runtime.ts';
export { findRclone, startS3Server, type S3Endpoint, type S3Server } from './s3-server.ts';
export { serviceProcess, type ServiceProcess, type ServiceProcessOptions } from './service-process.ts';
export { startTestServices, type TestServices, type TestServicesOptions } from './services.ts';
export { openSseConnection, type SseConnectionEnd, type SseConnectionOptions, type SseMessage } from './sse-client.ts';
export { appendTestLog, createTestLogFile, fileLogger, testLogDirectory, testLogFd, testLogger } from './test-logs.ts';
export {
  attribute,
  clientSpanKind,
  internalSpanKind,
  secretPrompt,
  startTracedRuntime,
  usageOf,
  type RunTrace,
  type StartedRun,
  type TracedRegistrations,
  type TracedRuntime,
} from './traced-runtime.ts';
export { waitUntil } from './wait-until.ts';
export { awaitWorkerPolling, type WorkerPollersTarget } from './worker-pollers.ts';
export {
  restartWorkerWhen,
  startWorkerProcessRuntime,
  type RestartWorkerOptions,
  type WorkerProcessRuntime,
} from './worker-process-runtime.ts';
