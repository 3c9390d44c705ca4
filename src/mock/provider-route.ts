/**
 * One provider request, from body to plan: parse, authenticate, validate, then in order a down
 * window, the rate limits and a drawn fault may answer instead of the model; otherwise the
 * planned completion goes to the responder. Each request uses its own seeded stream, in a fixed
 * order (request id, fault draw, jitter, text, ids), so a replay answers the same.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiKeyOf } from './auth.ts';
import { planCompletion } from './completion.ts';
import { dialectKits } from './dialect-kit.ts';
import type { ErrorReply } from './error-reply.ts';
import { downStatus, drawFault } from './faults.ts';
import { BodyTooLarge, readBody, sendReply } from './http-io.ts';
import { type Endpoint, parseRequest } from './request-parse.ts';
import { respond } from './respond.ts';
import { behaviourFor, type Dialect } from './scenario.ts';
import type { Simulator } from './simulator.ts';

const JSON_TYPE = { 'content-type': 'application/json' };

const UNPARSABLE = {
  openai:
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
  anthropic: 'There was an issue with the format of your request: the body is not valid JSON.',
};

export async function handleProvider(
  sim: Simulator,
  dialect: Dialect,
  endpoint: Endpoint,
  req: IncomingMessage,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<void> {
  const kit = dialectKits[dialect];
  let raw: string | undefined;
  let tooLarge = false;
  try {
    raw = await readBody(req);
  } catch (error) {
    if (!(error instanceof BodyTooLarge)) return; // the client went away mid-body
    tooLarge = true;
  }
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = raw === undefined ? undefined : JSON.parse(raw);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      body = parsed as Record<string, unknown>;
    }
  } catch {}
  const model = typeof body?.model === 'string' && body.model !== '' ? body.model : '(none)';
  const random = sim.randomFor(model);
  const requestId = kit.newRequestId(random);
  const headers: Record<string, string> = { ...kit.baseHeaders, [kit.requestIdHeader]: requestId };
  const fail = (reply: ErrorReply) => {
    sim.stats.record(model, `status_${reply.status}`);
    if (tooLarge) reply.headers.connection = 'close';
    sendReply(res, reply, headers);
  };

  if (tooLarge) return fail(kit.error(413, { model, requestId }));
  if (!body) return fail(kit.invalid(UNPARSABLE[dialect], null, null, requestId));

  const keys = sim.scenario.apiKeys;
  const apiKey = apiKeyOf(req, dialect);
  if (keys && !(apiKey && keys.includes(apiKey))) {
    const message = dialect === 'anthropic' && !apiKey ? 'x-api-key header is required' : undefined;
    return fail(kit.error(401, { model, requestId, apiKey, message }));
  }

  const parsed = parseRequest(dialect, endpoint, body);
  if (!parsed.ok) return fail(kit.invalid(parsed.message, parsed.param, parsed.code, requestId));
  const request = parsed.request;

  const { behaviour, poolKey } = behaviourFor(sim.scenario, model);
  const faultDraw = random.next();
  const jitterDraw = random.next();
  const errorSpec = { model, requestId, apiKey, inputTokens: request.inputTokens };

  const down = downStatus(behaviour.down, sim.elapsedMs(), dialect);
  if (down !== undefined) return fail(kit.error(down, errorSpec));

  if (endpoint === 'count_tokens') {
    sim.stats.record(model, 'ok');
    const body = JSON.stringify({ input_tokens: request.inputTokens });
    return sendReply(res, { status: 200, headers: JSON_TYPE, body }, headers);
  }

  const pool = sim.limiter.pool(dialect, poolKey, behaviour.rateLimits);
  if (pool && behaviour.rateLimits) {
    const reserve = dialect === 'openai' ? (request.maxTokens ?? 0) : 0;
    const refusal = sim.limiter.admit(pool, { input: request.inputTokens, maxTokens: reserve });
    if (refusal) {
      const now = sim.clock.now();
      return fail(kit.rateLimited(refusal, model, pool, behaviour.rateLimits, requestId, now));
    }
  }
  Object.assign(headers, kit.rateHeaders(pool, sim.clock.now()));

  const fault = drawFault(behaviour.faults, dialect, faultDraw);
  const planned = planCompletion(request, behaviour, random);
  // A refusal is an answer, not an error: a few words, then the refusal stop reason.
  const completion: typeof planned =
    fault?.kind === 'refusal'
      ? { ...planned, tool: undefined, pieces: planned.pieces.slice(0, 3), stop: 'refusal' }
      : planned;
  sim.limiter.chargeOutput(pool, completion.outputTokens, request.maxTokens !== undefined);
  const { fixedMs, jitterMs, perTokenMs } = behaviour.latency;
  res.once('close', () => {
    if (!res.writableFinished) sim.stats.aborted(model);
  });
  await respond({
    res,
    clock: sim.clock,
    signal,
    kit,
    request,
    completion,
    fault,
    headers,
    errorSpec,
    firstByteMs: fixedMs + jitterDraw * jitterMs,
    perTokenMs,
    nowMs: sim.clock.now(),
    random,
    record: (outcome) => sim.stats.record(model, outcome),
  });
}
