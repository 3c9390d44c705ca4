/**
 * Rules both dialects share: no field may choose an upstream (`base_url`, `api_key`, …) —
 * upstream URLs and keys come from the config only, so a client cannot point the gateway's keys
 * at a host of its choosing.
 */
import type { RequestRule } from './rule.ts';

export const UPSTREAM_FIELDS: readonly string[] = [
  'base_url',
  'baseURL',
  'api_base',
  'api_key',
  'apiKey',
  'custom_host',
];

export const COMMON_RULES: readonly RequestRule[] = [
  {
    id: 'upstream_fields',
    dialect: 'both',
    severity: 'error',
    summary: 'no field may choose an upstream (base_url, api_key, …): those come from the config',
    check(body, report) {
      for (const field of UPSTREAM_FIELDS) {
        if (Object.hasOwn(body, field)) {
          report(
            [field],
            'is not accepted: this gateway takes upstream URLs and keys from its config only — leave it out',
          );
        }
      }
    },
  },
];
