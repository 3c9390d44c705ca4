/**
 * `npm run bench -- NAME [args]`: runs `bench/NAME.ts`, which sees the remaining arguments in
 * `process.argv.slice(2)` as if started directly. Every `bench/*.ts` is a bench, except this
 * file and a bench's helpers (`NAME-*.ts` beside `NAME.ts`); a wrong name lists the benches.
 */
import { readdir } from 'node:fs/promises';

const here = import.meta.dirname;

async function available(): Promise<string[]> {
  const names = (await readdir(here))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -'.ts'.length))
    .filter((name) => name !== 'run');
  const isHelper = (name: string) => names.some((other) => name.startsWith(`${other}-`));
  return names.filter((name) => !isHelper(name)).sort();
}

const [name, ...rest] = process.argv.slice(2);
const names = await available();
if (name === undefined || !names.includes(name)) {
  const what = name === undefined ? 'no bench named' : `unknown bench "${name}"`;
  console.error(`${what}; available: ${names.join(', ')}\nusage: npm run bench -- NAME [args]`);
  process.exit(2);
}
process.argv = [process.argv[0]!, `${here}/${name}.ts`, ...rest];
await import(`./${name}.ts`);
