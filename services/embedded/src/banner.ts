import type { EmbeddedRuntime } from './embedded-runtime.ts';

/** What the first start prints: the admin key (once) and a curl that runs the example agent. */
export function readyBanner(runtime: EmbeddedRuntime): string {
  const { url, seed } = runtime;
  const key = seed.createdApiKey ?? '$AGENT_RUNTIME_API_KEY';
  const agentLine = seed.exampleAgent
    ? `"agentId":"${seed.exampleAgent.id}"`
    : '"agentId":"<an agent id from GET /v1/agents>"';
  const lines = [
    '',
    `Agent Runtime is ready at ${url}  (OpenAPI: ${url}/openapi.json)`,
    `Web console: ${url}/console  (sign in with the admin API key)`,
  ];
  if (seed.createdApiKey) {
    lines.push(
      '',
      `Admin API key of tenant "${seed.tenant.name}" (shown only now; store it):`,
      `  ${seed.createdApiKey}`,
    );
  } else {
    lines.push(
      '',
      'Use the admin API key printed at the first start (or AR_BOOTSTRAP_API_KEY):',
      '  export AGENT_RUNTIME_API_KEY=ar_…',
    );
  }
  lines.push(
    '',
    'Start a run of the example agent:',
    `  curl -s -X POST ${url}/v1/runs -H "Authorization: Bearer ${key}" -H 'Content-Type: application/json' \\`,
    `    -d '{${agentLine},"input":{"message":"What is 6 * 7?"}}'`,
    'then read it (status, output):',
    `  curl -s ${url}/v1/runs/<run id> -H "Authorization: Bearer ${key}"`,
    '',
    'Ctrl-C stops gracefully; unfinished runs resume at the next start.',
    '',
  );
  return lines.join('\n');
}
