/**
 * Reads a scenario file. YAML is a superset of JSON, so one parser (`yaml`) reads both; a
 * syntax error names the file and line.
 */

import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { ResolvedScenario, Scenario } from './scenario.ts';
import { ScenarioError } from './scenario-error.ts';
import { parseScenario } from './scenario-parse.ts';

export async function loadScenarioFile(path: string): Promise<ResolvedScenario> {
  const text = await readFile(path, 'utf8');
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    throw new ScenarioError({
      field: '',
      problem: `${path} is not valid YAML or JSON: ${(error as Error).message}`,
    });
  }
  try {
    return parseScenario(data);
  } catch (error) {
    if (error instanceof ScenarioError) error.message = `${path}: ${error.message}`;
    throw error;
  }
}

/** A scenario object, a file path, or an already resolved scenario, resolved. */
export async function resolveScenario(
  scenario: Scenario | ResolvedScenario | string,
): Promise<ResolvedScenario> {
  if (typeof scenario === 'string') return loadScenarioFile(scenario);
  if (scenario.models instanceof Map) return scenario as ResolvedScenario;
  return parseScenario(scenario);
}
