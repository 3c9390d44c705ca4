/**
 * The bare passthrough: node:http in front, an undici Pool behind, nothing in between — no
 * parsing, no policies, no logging. Every request goes to the one upstream as it came and the
 * answer streams back as it comes. It is the physical limit of a Node gateway on the machine:
 * what any gateway written in Node pays before doing anything useful.
 *
 *   node bench/overhead/passthrough.ts --upstream http://127.0.0.1:PORT [--port 0]
 *
 * Prints `passthrough listening on URL` once it listens; stops on SIGTERM or SIGINT.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

/** Hop-by-hop headers (RFC 9110 §7.6.1), which a proxy must not forward. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
]);

function forwardable(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>) {
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

const { values } = parseArgs({
  options: { upstream: { type: 'string' }, port: { type: 'string', default: '0' } },
});
if (!values.upstream) throw new Error('Expected `--upstream` to be the upstream origin');

// No cap on connections: the limit measured is the process's, not a pool setting's.
const upstream = new Pool(values.upstream, { pipelining: 1, keepAliveTimeout: 30_000 });

const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const left = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) left.abort();
    });
    upstream
      .stream(
        {
          path: req.url ?? '/',
          method: req.method as 'POST',
          headers: forwardable(req.headers),
          body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks),
          signal: left.signal,
        },
        ({ statusCode, headers }) => {
          res.writeHead(statusCode, forwardable(headers));
          return res;
        },
      )
      .catch(() => {
        if (!res.headersSent) res.writeHead(502).end();
        else res.destroy();
      });
  });
});

server.listen(Number(values.port), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`passthrough listening on http://127.0.0.1:${port}\n`);
});

const stop = () => {
  server.close();
  server.closeAllConnections();
  void upstream.close();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
