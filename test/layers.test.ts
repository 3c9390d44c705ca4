/**
 * The layer check `npm run lint` runs (.dependency-cruiser.cjs), tried on small trees written to a
 * temporary folder: it must fail on an upward import (type-only ones too), on a face importing
 * another face and on two folders importing each other, and pass a tree whose imports all point
 * down. Then on a copy of the real tree: clean as it is, and failing once one upward type-only
 * import is added to it.
 */
import { appendFile, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type IForbiddenRuleType } from 'dependency-cruiser';
import { afterEach, describe, expect, it } from 'vitest';

const config = createRequire(import.meta.url)('../.dependency-cruiser.cjs') as {
  forbidden: IForbiddenRuleType[];
  options: { parser: 'swc'; exclude: { path: string[] } };
};

let dir: string | undefined;
/** How many modules the last check read: a check that read nothing passes vacuously. */
let cruised = 0;

afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Writes `files` (path → source) under a fresh folder and checks them with the repo's rules. */
async function violations(files: Record<string, string>): Promise<string[]> {
  dir = await mkdtemp(join(tmpdir(), 'bw-layers-'));
  for (const [path, source] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), source);
  }
  return check(dir);
}

/** The repo's rules over `base`/src, as `npm run lint` applies them. */
async function check(base: string): Promise<string[]> {
  const result = await cruise(['src'], {
    baseDir: base,
    validate: true,
    ruleSet: { forbidden: config.forbidden },
    parser: config.options.parser,
    exclude: config.options.exclude,
  });
  if (typeof result.output === 'string') throw new Error('expected a cruise result object');
  cruised = result.output.summary.totalCruised;
  return result.output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

const leaf = 'export const x = 1;\n';

describe('the layer rules', () => {
  it('pass imports that point down, to peers, and within a folder and its subfolders', async () => {
    expect(
      await violations({
        'src/cli/main.ts': "import '../gateway/server.ts';\nimport '../mock/server.ts';\n",
        'src/gateway/server.ts': "import '../engine/engine.ts';\nimport '../telemetry/log.ts';\n",
        'src/mock/server.ts': "import '../core/clock.ts';\n",
        'src/telemetry/log.ts':
          "import type { E } from '../engine/engine.ts';\nexport type L = E;\n",
        'src/engine/engine.ts':
          "import '../limiter/limiter.ts';\nimport '../config/types.ts';\nexport type E = 1;\n",
        'src/limiter/limiter.ts': "import '../budget/guard.ts';\nimport '../policy/window.ts';\n",
        'src/budget/guard.ts': "import '../tokens/catalog.ts';\n",
        'src/policy/window.ts': leaf,
        'src/config/types.ts': "import '../tokens/catalog.ts';\n",
        'src/tokens/catalog.ts': "import '../dialects/name.ts';\n",
        'src/dialects/name.ts': "import './openai/classify.ts';\nimport '../errors/base.ts';\n",
        'src/dialects/openai/classify.ts': "import '../shared.ts';\n",
        'src/dialects/shared.ts': leaf,
        'src/errors/base.ts': "import '../core/clock.ts';\n",
        'src/core/clock.ts': leaf,
        // Tests may reach across layers to check one against another.
        'src/core/clock.test.ts': "import '../engine/engine.ts';\n",
      }),
    ).toEqual([]);
    expect(cruised).toBe(15);
  });

  it('fail an import of a higher layer, a type-only one included', async () => {
    const found = await violations({
      'src/core/clock.ts': "import type { E } from '../engine/engine.ts';\nexport type C = E;\n",
      'src/engine/engine.ts': 'export type E = 1;\n',
      'src/limiter/admission.ts': "import '../engine/engine.ts';\n",
    });
    expect(found).toContain('layer-order: src/core/clock.ts → src/engine/engine.ts');
    expect(found).toContain('layer-order: src/limiter/admission.ts → src/engine/engine.ts');
  });

  it('fail the gateway importing the simulator', async () => {
    const found = await violations({
      'src/gateway/simulated.ts': "import '../mock/index.ts';\n",
      'src/mock/index.ts': leaf,
    });
    expect(found).toEqual(['face-to-face: src/gateway/simulated.ts → src/mock/index.ts']);
  });

  it('fail two peer folders that import each other', async () => {
    const found = await violations({
      'src/limiter/limiter.ts': "import '../budget/guard.ts';\n",
      'src/budget/guard.ts': "import '../limiter/events.ts';\n",
      'src/limiter/events.ts': leaf,
    });
    expect(found.some((v) => v.startsWith('folder-cycle: src/limiter → '))).toBe(true);
    expect(found.some((v) => v.startsWith('folder-cycle: src/budget → '))).toBe(true);
  });

  it('fail a folder no layer holds', async () => {
    const found = await violations({
      'src/plugins/extra.ts': "import '../core/clock.ts';\n",
      'src/core/clock.ts': leaf,
    });
    expect(found).toEqual(['unplaced-folder: src/plugins/extra.ts → src/core/clock.ts']);
  });

  it('pass the real tree, and fail it once core imports a type from the engine', async () => {
    dir = await mkdtemp(join(tmpdir(), 'bw-layers-'));
    const src = fileURLToPath(new URL('../src', import.meta.url));
    await cp(src, join(dir, 'src'), { recursive: true });
    expect(await check(dir)).toEqual([]);
    expect(cruised).toBeGreaterThan(200);
    await appendFile(
      join(dir, 'src/core/clock.ts'),
      "import type { Engine } from '../engine/engine.ts';\nexport type Owner = Engine;\n",
    );
    const found = await check(dir);
    // The one arrow against the layer order, and the folder loops it closes (the engine stands
    // on core, so core → engine is a cycle too).
    expect(found.filter((v) => !v.startsWith('folder-cycle: '))).toEqual([
      'layer-order: src/core/clock.ts → src/engine/engine.ts',
    ]);
    expect(found.some((v) => v.startsWith('folder-cycle: src/core → '))).toBe(true);
  }, 60_000);
});
