// `npm run sdk:generate`: writes the SDK's types (packages/sdk/src/generated/openapi.ts) from the
// API's OpenAPI document, built in this process from the app's routes. Run it after changing a
// route or a schema the API documents; test/e2e/sdk/generated-types.test.ts fails until then.
import { writeFile } from 'node:fs/promises';
import { currentSdkTypes, sdkTypesPath, sdkTypesRelativePath } from './sdk-types/sdk-types.ts';

await writeFile(sdkTypesPath, await currentSdkTypes());
process.stdout.write(`wrote ${sdkTypesRelativePath}\n`);
