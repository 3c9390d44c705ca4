/**
 * `GET /v1/models`: the models the scenario names (or a few well-known ones), in OpenAI's list
 * shape, or Anthropic's when the request carries `anthropic-version`.
 */

import type { IncomingMessage } from 'node:http';
import type { ResolvedScenario } from './scenario.ts';

const WELL_KNOWN = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-5', 'claude-haiku-4-5'];

export function modelsList(
  req: IncomingMessage,
  scenario: ResolvedScenario,
  nowMs: number,
): unknown {
  const named = [...scenario.models.keys()];
  const names = named.length > 0 ? named : WELL_KNOWN;
  const created = Math.floor(nowMs / 1000);
  if (req.headers['anthropic-version']) {
    const data = names.map((id) => ({
      type: 'model',
      id,
      display_name: id,
      created_at: new Date(created * 1000).toISOString(),
    }));
    return { data, has_more: false, first_id: names[0] ?? null, last_id: names.at(-1) ?? null };
  }
  const data = names.map((id) => ({
    id,
    object: 'model',
    created,
    owned_by: id.startsWith('claude') ? 'anthropic' : 'openai',
  }));
  return { object: 'list', data };
}
