/**
 * The embedded default's zero-key mode: the repository's config/default.yaml names OpenAI and
 * Anthropic with `${OPENAI_API_KEY}` / `${ANTHROPIC_API_KEY}`. A provider whose key is not set is
 * pointed at the provider simulator (scenarios/clean.yaml), started in-process on a free loopback
 * port, so `npm start` answers at once with no keys; a provider whose key is set keeps its real
 * base URL. Routes, policies and everything else stay as the file says.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadConfigFile, parseConfigText } from '../config/config-load.ts';
import { resolveConfig } from '../config/config-resolve.ts';
import type { BreakwaterConfig, ResolvedConfig } from '../config/config-types.ts';
import type { Env } from '../config/env-interpolate.ts';
import { type MockServer, startMock } from '../mock/index.ts';

export const CLEAN_SCENARIO_FILE = fileURLToPath(
  new URL('../../scenarios/clean.yaml', import.meta.url),
);

export interface SimulatedConfig {
  config: ResolvedConfig;
  /** Providers pointed at the simulator, by name. */
  simulated: string[];
  /** The simulator, when one was started; close it after the gateway. */
  mock: MockServer | undefined;
}

/** A key the simulator accepts; never a real one, and shown nowhere. */
const SIMULATOR_KEY = 'breakwater-simulator';

export async function simulateMissingKeys(file: string, env: Env): Promise<SimulatedConfig> {
  // Loaded as usual first: any problem in the file is reported with its file, line and column.
  const resolved = await loadConfigFile(file, { env });
  const missing = [...resolved.providers.values()]
    .filter((p) => p.apiKey === undefined)
    .map((p) => p.name);
  if (missing.length === 0) return { config: resolved, simulated: [], mock: undefined };
  const tree = parseConfigText(await readFile(file, 'utf8'), file).tree as BreakwaterConfig;
  const mock = await startMock(CLEAN_SCENARIO_FILE, { host: '127.0.0.1', port: 0 });
  const providers = { ...tree.providers };
  for (const name of missing) {
    providers[name] = { ...providers[name], baseUrl: mock.url, apiKey: SIMULATOR_KEY };
  }
  try {
    return {
      config: resolveConfig({ ...tree, providers }, { env }),
      simulated: missing,
      mock,
    };
  } catch (err) {
    await mock.close();
    throw err;
  }
}
