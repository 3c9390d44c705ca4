/**
 * The config's JSON Schema, generated from its zod schema (config-schema.ts) for editors:
 * `config/config.schema.json` in the package (`breakwater/config.schema.json`), which
 * config/default.yaml names in its `# yaml-language-server: $schema=` line. `npm run schema`
 * writes it; a test keeps the file equal to what this returns.
 *
 * Two things the file says that the zod schema leaves to the loader: any number or boolean may
 * also be written as a `${VAR}` reference (interpolated before the check), and an `apiKey` given
 * as a function is for TypeScript objects only (a file cannot hold one).
 */
import { z } from 'zod';
import { ConfigSchema } from './config-schema.ts';

/** A whole value that is one `${NAME}` or `${NAME:-fallback}` reference. */
const ENV_REFERENCE = '^\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\\}$';

export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ConfigSchema, {
    io: 'output',
    unrepresentable: 'any',
    override: (ctx) => {
      const json = ctx.jsonSchema as Record<string, unknown>;
      // A function key cannot be written in a file: no value matches this branch.
      if (ctx.zodSchema._zod.def.type === 'custom') {
        for (const key of Object.keys(json)) delete json[key];
        json.not = {};
        return;
      }
      const type = json.type;
      if (type !== 'integer' && type !== 'number' && type !== 'boolean') return;
      const own = { ...json };
      for (const key of Object.keys(json)) delete json[key];
      const { description, default: fallback, ...value } = own;
      Object.assign(json, {
        ...(description !== undefined ? { description } : {}),
        ...(fallback !== undefined ? { default: fallback } : {}),
        anyOf: [value, { type: 'string', pattern: ENV_REFERENCE }],
      });
    },
  }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    $id: 'https://breakwater.dev/config.schema.json',
    title: 'breakwater config',
    ...schema,
  };
}

/** The file's text: the schema, two-space indented, ending in a newline. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

/** Where the package ships it: `breakwater/config.schema.json` (package.json `exports`). */
export const CONFIG_JSON_SCHEMA_FILE = new URL('../../config/config.schema.json', import.meta.url);

// `npm run schema`: writes the file.
if (import.meta.main) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(CONFIG_JSON_SCHEMA_FILE, configJsonSchemaText());
  process.stdout.write(`wrote ${CONFIG_JSON_SCHEMA_FILE.pathname}\n`);
}
