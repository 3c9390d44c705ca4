/**
 * `client.fetch`: a fetch-compatible function that runs every policy in-process, so
 * `new OpenAI({ fetch: client.fetch, maxRetries: 0 })`, `new Anthropic({ fetch: client.fetch,
 * maxRetries: 0 })` and the Vercel AI SDK providers get retries, breakers and fallback with no
 * other change. The host of the URL is ignored — upstream URLs come only from the config — and
 * the path picks the dialect: `…/chat/completions` is OpenAI, `…/messages` is Anthropic.
 * Answers and errors come back in the caller's dialect, so the SDK raises its usual classes.
 *
 * Per-call options ride on request headers: `x-breakwater-deadline-ms`, `x-breakwater-route`,
 * `x-breakwater-priority`, `cache-control: no-cache | no-store`, `Idempotency-Key`.
 */
import type { DialectName } from '../dialects/dialect-name.ts';
import { renderError } from '../dialects/render-error.ts';
import { answerHeaders } from '../engine/answer-headers.ts';
import type { CallOptions, Engine } from '../engine/engine.ts';
import { parseIdempotencyKey } from '../engine/idempotency-key-header.ts';
import { parsePriority } from '../engine/priority-header.ts';
import { BreakwaterError, RejectedError } from '../errors/index.ts';

function dialectOf(pathname: string): DialectName | undefined {
  if (pathname.endsWith('/chat/completions')) return 'openai';
  if (pathname.endsWith('/messages')) return 'anthropic';
  return undefined;
}

function errorResponse(error: unknown, dialect: DialectName): Response {
  const rendered = renderError(error, dialect);
  return new Response(JSON.stringify(rendered.body), {
    status: rendered.status,
    headers: rendered.headers,
  });
}

async function readBody(body: RequestInit['body'], request: Request | undefined): Promise<string> {
  if (typeof body === 'string') return body;
  if (body !== undefined && body !== null) return new Response(body).text();
  return request ? request.text() : '';
}

function callOptions(headers: Headers, signal: AbortSignal | undefined): CallOptions {
  const options: CallOptions = { signal: signal ?? undefined, headers };
  const deadline = headers.get('x-breakwater-deadline-ms');
  if (deadline !== null) {
    const ms = Number(deadline);
    if (!(Number.isFinite(ms) && ms > 0)) {
      throw new RejectedError(
        'validation',
        `x-breakwater-deadline-ms must be a positive number of milliseconds, got "${deadline}"`,
        {
          param: 'x-breakwater-deadline-ms',
        },
      );
    }
    options.deadlineMs = ms;
  }
  const priority = parsePriority(headers.get('x-breakwater-priority') ?? undefined);
  if (priority) options.priority = priority;
  const route = headers.get('x-breakwater-route');
  if (route) options.route = route;
  const idempotencyKey = parseIdempotencyKey(headers.get('idempotency-key') ?? undefined);
  if (idempotencyKey !== undefined) options.idempotencyKey = idempotencyKey;
  const cacheControl = headers.get('cache-control') ?? '';
  if (/\bno-cache\b/.test(cacheControl)) options.noCache = true;
  if (/\bno-store\b/.test(cacheControl)) options.noStore = true;
  return options;
}

export function createFetch(engine: Engine): typeof fetch {
  return async function breakwaterFetch(
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> {
    const request = input instanceof Request ? input : undefined;
    const url = new URL(request ? request.url : String(input));
    const dialect = dialectOf(url.pathname);
    const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
    if (!dialect || method !== 'POST') {
      const error = new BreakwaterError(
        'not_found',
        `breakwater does not serve ${method} ${url.pathname}`,
        {
          origin: 'breakwater',
          hint: 'client.fetch serves POST …/chat/completions (OpenAI) and POST …/messages (Anthropic).',
        },
      );
      return errorResponse(error, url.pathname.includes('/messages') ? 'anthropic' : 'openai');
    }
    let body: unknown;
    let options: CallOptions;
    try {
      options = callOptions(
        new Headers(init?.headers ?? request?.headers),
        init?.signal ?? request?.signal ?? undefined,
      );
      const text = await readBody(init?.body, request);
      try {
        body = JSON.parse(text);
      } catch (err) {
        throw new RejectedError(
          'validation',
          `the request body is not valid JSON (${(err as Error).message})`,
        );
      }
    } catch (error) {
      return errorResponse(error, dialect);
    }
    try {
      const answer = await engine.call(dialect, body, options);
      const headers = answerHeaders(answer.meta);
      if (answer.kind === 'json') {
        return new Response(answer.raw ?? JSON.stringify(answer.body), {
          status: 200,
          headers: { 'content-type': 'application/json', ...headers },
        });
      }
      return new Response(ReadableStream.from(answer.body), {
        status: 200,
        headers: {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          ...headers,
        },
      });
    } catch (error) {
      return errorResponse(error, dialect);
    }
  };
}
