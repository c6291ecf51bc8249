import { describe, expect, it } from 'vitest';
import { fixture, inRepo, outputOf, runTool, toolPath } from './deploy-tools.ts';

const composeFiles = [inRepo('docker/docker-compose.yml'), inRepo('docker/docker-compose.langfuse.yml')];
/** The compose-spec schema shipped by the compose-go module scripts/lib.sh built the loader from. */
const composeSchema = () => toolPath('compose-config').replace(/compose-config$/, 'compose-spec.json');

/**
 * The Compose files as Docker Compose itself would read them: compose-go loads them (alone and
 * with the LangFuse overlay), and check-jsonschema validates each against the compose-spec.
 */
describe('Compose files', () => {
  it('load with compose-go, alone and with the LangFuse overlay', async () => {
    for (const files of [composeFiles.slice(0, 1), composeFiles]) {
      const run = await runTool('compose-config', files);
      expect(run.code, outputOf(run)).toBe(0);
      expect(Object.keys(JSON.parse(run.stdout).services)).toEqual(expect.arrayContaining(['api', 'worker']));
    }
  });

  it('match the compose-spec JSON schema', async () => {
    const run = await runTool('check-jsonschema', ['--schemafile', composeSchema(), ...composeFiles]);
    expect(run.code, outputOf(run)).toBe(0);
  });

  it('refuses broken files: a dependency on a service that does not exist, a key the spec does not have', async () => {
    const loaded = await runTool('compose-config', [fixture('compose/unknown-dependency.yml')]);
    expect(loaded.code).toBe(1);
    expect(loaded.stderr).toMatch(/depends on undefined service "?temporal"?/);
    const checked = await runTool('check-jsonschema', [
      '--schemafile',
      composeSchema(),
      fixture('compose/unknown-key.yml'),
    ]);
    expect(checked.code).toBe(1);
    expect(outputOf(checked)).toMatch(/restart_policy/);
  });
});
