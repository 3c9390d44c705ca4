#!/usr/bin/env node
// The `breakwater` executable. Runs the TypeScript sources directly: Node.js 24 strips types.
import { main } from '../src/cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
