/**
 * breakwater's gateway as `breakwater serve --config FILE` builds it, except that its upstream
 * pool may open `--connections` connections per origin instead of the default 128 — so the
 * memory phase can hold 1,000 streams open through it at once, which the default cannot (the
 * 129th stream to one provider waits for a free connection).
 *
 *   node bench/overhead/wide-pool-gateway.ts --config FILE --connections N
 *
 * Prints `breakwater gateway listening on URL` on stderr; stops on SIGTERM or SIGINT.
 */
import { parseArgs } from 'node:util';
import { loadConfigFile } from '../../src/client/config-load.ts';
import { buildGateway } from '../../src/gateway/index.ts';
import { createUpstreamPool } from '../../src/upstream/index.ts';

const { values } = parseArgs({
  options: { config: { type: 'string' }, connections: { type: 'string', default: '2048' } },
});
if (!values.config) throw new Error('Expected `--config` to name a config file');
const config = await loadConfigFile(values.config);
const origins = [...config.providers.values()].map((provider) => provider.baseUrl);
const pool = createUpstreamPool({ origins, connections: Number(values.connections) });
const app = buildGateway({ config, engineOptions: { pool } });
await app.listen({ port: 0, host: '127.0.0.1' });
const { port } = app.server.address() as { port: number };
process.stderr.write(`breakwater gateway listening on http://127.0.0.1:${port}\n`);

// The engine closes the pool it was given.
const stop = () => void app.breakwater.drain(1_000);
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
