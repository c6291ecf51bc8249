#!/usr/bin/env node
// The `agent-runtime` executable (npm links it into node_modules/.bin; scripts/start.sh puts a
// shim on PATH). Needs Node 24, which runs this TypeScript as it is.
import { main } from './main.ts';

await main();
