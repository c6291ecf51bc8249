import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  apiOpenApiDocument,
  renderSdkTypes,
  sdkTypesPath,
  sdkTypesRelativePath,
} from '../../../scripts/sdk-types/sdk-types.ts';

/** The first line where two texts differ, for a message a person can act on. */
function firstDifference(expected: string, actual: string): string {
  const expectedLines = expected.split('\n');
  const actualLines = actual.split('\n');
  const line = expectedLines.findIndex((text, index) => text !== actualLines[index]);
  const at = line === -1 ? expectedLines.length : line;
  return `line ${at + 1}: expected ${JSON.stringify(expectedLines[at])}, committed ${JSON.stringify(actualLines[at])}`;
}

describe("the SDK's generated types", () => {
  it("are those of the API's current OpenAPI document (else: npm run sdk:generate)", async () => {
    const document = await apiOpenApiDocument();
    const expected = await renderSdkTypes(document);
    const committed = await readFile(sdkTypesPath, 'utf8');
    expect(
      committed === expected,
      `${sdkTypesRelativePath} drifted from the API's document; run \`npm run sdk:generate\` (${firstDifference(expected, committed)})`,
    ).toBe(true);

    // The check can fail: a document with one operation less renders other types.
    const fewer = { ...(document['paths'] as Record<string, unknown>) };
    delete fewer['/v1/audit'];
    expect(await renderSdkTypes({ ...document, paths: fewer })).not.toBe(committed);
  });
});
