#!/usr/bin/env -S node --max-semi-space-size=16 --min-semi-space-size=16
// Node flags: see src/cli/node-flags.ts.
// The `breakwater` executable. In a checkout it runs the TypeScript sources (Node.js 24 strips
// types); an installed package ships no src/, only the build in dist/ — and Node refuses to strip
// types under node_modules anyway.
//
// The Node version is checked first, before anything that needs 24 is imported: on an older Node
// a person gets one line saying what to install, not a stack trace from a dependency.
import { existsSync } from 'node:fs';

const major = Number(process.versions.node.split('.')[0]);
if (!(major >= 24)) {
  process.stderr.write(`breakwater needs Node.js 24 or later (found v${process.versions.node})\n`);
  process.exit(1);
}

const source = new URL('../src/cli/main.ts', import.meta.url);
const entry = existsSync(source) ? source : new URL('../dist/cli/main.js', import.meta.url);
const { main } = await import(entry.href);

process.exitCode = await main(process.argv.slice(2));
