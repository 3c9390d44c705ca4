/**
 * docs/architecture.md against the code: its layer table is the one `npm run lint` enforces
 * (.dependency-cruiser.cjs), it places every folder under src/, and every file it names exists —
 * so a file moved or renamed without the page fails here rather than sending a reader nowhere.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOC = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');

/** The layers of the doc's table, top to bottom, each a list of folders (`src/index.ts` as `index`). */
function docLayers(): string[][] {
  const table = /```\n([\s\S]*?)```/.exec(DOC)?.[1] ?? '';
  return table
    .trim()
    .split('\n')
    .map((line) =>
      (line.split(/ {2,}/)[0] ?? '').split(', ').map((f) => (f === 'src/index.ts' ? 'index' : f)),
    );
}

/** The `LAYERS` table of .dependency-cruiser.cjs, read from its source. */
function lintLayers(): string[][] {
  const source = readFileSync(join(ROOT, '.dependency-cruiser.cjs'), 'utf8');
  const table = /const LAYERS = (\[[\s\S]*?\]);/.exec(source)?.[1] ?? '[]';
  return JSON.parse(table.replaceAll("'", '"').replace(/,(\s*\])/g, '$1'));
}

/** Every file below `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' });
}

const SRC_FILES = filesUnder(join(ROOT, 'src'));

/** Whether `name`, as the doc writes it in the section of `folder`, is a file or folder that exists. */
function exists(name: string, folder: string | undefined): boolean {
  const bare = name.replace(/\/$/, '');
  if (existsSync(join(ROOT, bare)) || existsSync(join(ROOT, 'src', bare))) return true;
  if (folder && existsSync(join(ROOT, 'src', folder, bare))) return true;
  // A bare file name: a file of that name in the section's folder (a dialect's own files), or
  // anywhere under src/ outside a section.
  if (bare.includes('/')) return false;
  const prefix = folder ? `${folder}/` : '';
  return SRC_FILES.some((f) => f.startsWith(prefix) && f.split('/').at(-1) === bare);
}

describe('docs/architecture.md', () => {
  it('has the layer table the lint enforces, with every folder under src/ in it', () => {
    const layers = docLayers();
    expect(layers).toEqual(lintLayers());
    const folders = readdirSync(join(ROOT, 'src'), { withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name !== 'types')
      .map((e) => e.name)
      .sort();
    expect(
      layers
        .flat()
        .filter((f) => f !== 'index')
        .sort(),
    ).toEqual(folders);
  });

  it('names only files and folders that exist', () => {
    const missing: string[] = [];
    let named = 0;
    let section: string | undefined;
    for (const line of DOC.split('\n')) {
      if (line.startsWith('#')) section = undefined;
      const owner = /^- \*\*([a-z]+)\/\*\*/.exec(line)?.[1];
      if (owner) section = owner;
      for (const [, name] of line.matchAll(/`([^`\s]+)`/g)) {
        if (!name || name.includes('<') || !/(\.(ts|cjs|md)|\/)$/.test(name)) continue;
        named++;
        if (!exists(name, section)) missing.push(section ? `${section}: ${name}` : name);
      }
    }
    expect(missing).toEqual([]);
    expect(named).toBeGreaterThan(50);
  });
});
