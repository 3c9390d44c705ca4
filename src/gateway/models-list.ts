/**
 * `GET /v1/models`: what a client may send as `model` — every route, then every configured
 * `provider/model` target — in a list both SDKs read: OpenAI's `{ object: 'list', data: [{ id,
 * object: 'model', created, owned_by }] }`, with the fields of Anthropic's `models.list` page
 * (`type`, `display_name`, `created_at`; `has_more`, `first_id`, `last_id`) on the same objects.
 * A client key limited to some routes sees only those.
 */
import type { ResolvedConfig } from '../config/config-types.ts';
import type { ClientIdentity } from './client-keys.ts';
import { mayUse } from './client-keys.ts';

interface ModelEntry {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  type: 'model';
  display_name: string;
  created_at: string;
}

export interface ModelList {
  object: 'list';
  data: ModelEntry[];
  has_more: false;
  first_id: string | null;
  last_id: string | null;
}

/** Routes first (in config order), then each target any route names, each once. */
function modelIds(config: ResolvedConfig): { id: string; owner: string; label: string }[] {
  const out: { id: string; owner: string; label: string }[] = [];
  for (const route of config.routes.values()) {
    const path = route.tiers.flat().map((t) => t.id);
    out.push({ id: route.name, owner: 'breakwater', label: `${route.name}: ${path.join(' → ')}` });
  }
  const seen = new Set<string>();
  for (const route of config.routes.values()) {
    const targets = [...route.tiers.flat()];
    if (route.contextFallback) targets.push(route.contextFallback);
    for (const target of targets) {
      if (seen.has(target.id) || config.routes.has(target.id)) continue;
      seen.add(target.id);
      out.push({ id: target.id, owner: target.provider.name, label: target.id });
    }
  }
  return out;
}

export function modelList(
  config: ResolvedConfig,
  identity: ClientIdentity | undefined,
  startedAt: Date,
): ModelList {
  const created = Math.floor(startedAt.getTime() / 1000);
  const createdAt = startedAt.toISOString();
  const data: ModelEntry[] = modelIds(config)
    .filter((m) => mayUse(identity, m.id))
    .map((m) => ({
      id: m.id,
      object: 'model',
      created,
      owned_by: m.owner,
      type: 'model',
      display_name: m.label,
      created_at: createdAt,
    }));
  return {
    object: 'list',
    data,
    has_more: false,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
  };
}
