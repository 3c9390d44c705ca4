/**
 * The layer rules of docs/architecture.md, checked by `npm run lint` (dependency-cruiser).
 *
 * Folders under src/ sit in layers, the faces on top and the ground (errors, core) at the bottom.
 * A module may import its own folder, a folder of its own layer, or any layer below — never one
 * above, and type-only imports count. The faces do not import one another. No two folders may
 * import each other, directly or round a longer loop.
 *
 * Only shipped code is checked: tests, fixtures and benches may reach across layers to check
 * one layer against another (config defaults against the policies' own). They are also where
 * `using` declarations live, which the swc parser's visitor cannot read yet.
 *
 * The parser is swc because dependency-cruiser cannot load TypeScript 7's compiler; swc keeps
 * `import type` and `export type … from` as dependencies (marked type-only), so they are checked.
 */

/** Top to bottom; folders on one line are peers. `index` is the public barrel src/index.ts. */
const LAYERS = [
  ['cli', 'index'],
  ['gateway', 'client', 'mock'],
  ['telemetry'],
  ['engine'],
  ['limiter', 'upstream', 'policy', 'cache', 'budget', 'preflight', 'context'],
  ['config', 'dialects', 'tokens', 'store'],
  ['errors', 'core'],
];

/** The faces: each stands on the engine and the layers below, never on another face. */
const FACES = ['gateway', 'client', 'mock'];

/** `src/<folder>/…` for folders, `src/index.ts` for the barrel. */
function paths(folders) {
  const dirs = folders.filter((f) => f !== 'index');
  const parts = [];
  if (dirs.length > 0) parts.push(`^src/(${dirs.join('|')})/`);
  if (folders.includes('index')) parts.push('^src/index\\.ts$');
  return parts.join('|');
}

const upward = LAYERS.slice(1).map((layer, i) => ({
  name: 'layer-order',
  comment: `${layer.join(', ')} must not import a layer above it: ${LAYERS.slice(0, i + 1)
    .map((l) => l.join(', '))
    .join(' → ')} (docs/architecture.md)`,
  severity: 'error',
  from: { path: paths(layer) },
  to: { path: paths(LAYERS.slice(0, i + 1).flat()) },
}));

const faceToFace = FACES.map((face) => ({
  name: 'face-to-face',
  comment: `${face} is a face; faces do not import one another (the CLI wires them together)`,
  severity: 'error',
  from: { path: paths([face]) },
  to: { path: paths(FACES.filter((f) => f !== face)) },
}));

const placed = paths(LAYERS.flat());

module.exports = {
  forbidden: [
    ...upward,
    ...faceToFace,
    {
      name: 'folder-cycle',
      comment:
        'no two folders import each other, directly or round a loop (a folder and its own subfolders may)',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/([^/]+)' },
      to: { circular: true, pathNot: '^src/$1(/|$)' },
    },
    {
      name: 'unplaced-folder',
      comment: `every folder under src/ has a layer: add a new one to LAYERS in .dependency-cruiser.cjs and to docs/architecture.md`,
      severity: 'error',
      from: { path: '^src/', pathNot: `${placed}|^src/types/` },
      to: {},
    },
  ],
  options: {
    parser: 'swc',
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', '\\.test\\.ts$', '\\.fixture\\.ts$', '\\.bench\\.ts$'] },
  },
};
