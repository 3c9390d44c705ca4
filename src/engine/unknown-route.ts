/**
 * The error for a `model` (or `route` option) that names neither a route nor a
 * `provider/model` target; its hint lists what the config does know.
 */
import type { ResolvedConfig } from '../config/config-types.ts';
import { BreakwaterError } from '../errors/index.ts';

export function unknownRoute(config: ResolvedConfig, name: string): BreakwaterError {
  const routes = [...config.routes.keys()];
  const providers = [...config.providers.keys()];
  const known = routes.length > 0 ? `routes: ${routes.join(', ')}; ` : '';
  return new BreakwaterError('not_found', `unknown model "${name}"`, {
    origin: 'breakwater',
    param: 'model',
    hint: `Send a route name or a provider/model target (${known}providers: ${providers.join(', ')}).`,
  });
}
