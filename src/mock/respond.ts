/**
 * Sends a planned answer, or the fault drawn for it, on the raw response: status errors,
 * hangs, resets, slow first bytes, and the faults that strike after the 200 (a stall, a cut,
 * an error event, broken JSON), in both stream and non-stream form. Time comes from the
 * injected clock; every wait ends when the client leaves or the simulator closes.
 *
 * `afterChunks` counts SSE frames; it is capped so the terminator (`[DONE]`, `message_stop`)
 * is always withheld. Non-stream forms: `stall_midstream` sends half the body, pauses, then the
 * rest; `stream_cut` sends half the body and drops the connection; `midstream_error` becomes the
 * dialect's overloaded status (500 OpenAI, 529 Anthropic); `malformed_json` sends a 200 whose
 * JSON breaks off. `reset` with `afterChunks` on a stream resets after that many frames.
 * A stream respects the client's pace: once the socket's buffer is full it waits for it to
 * drain before writing the next frame.
 */

import type { ServerResponse } from 'node:http';
import type { Clock } from '../core/clock.ts';
import type { Completion } from './completion.ts';
import { currentFaultReply, overloadedFrame } from './current-faults.ts';
import type { DialectKit, ErrorSpec } from './dialect-kit.ts';
import { retryHeaders } from './error-reply.ts';
import { drained, pause, sendReply, untilAborted } from './http-io.ts';
import type { Random } from './prng.ts';
import type { MockRequest } from './request-parse.ts';
import type { Fault } from './scenario.ts';

export interface Plan {
  res: ServerResponse;
  clock: Clock;
  signal: AbortSignal;
  kit: DialectKit;
  request: MockRequest;
  completion: Completion;
  fault: Fault | undefined;
  headers: Record<string, string>;
  errorSpec: ErrorSpec;
  firstByteMs: number;
  perTokenMs: number;
  nowMs: number;
  random: Random;
  record(outcome: string): void;
}

export async function respond(plan: Plan): Promise<void> {
  const { fault, res } = plan;
  plan.record(!fault ? 'ok' : fault.kind === 'status' ? `status_${fault.status}` : fault.kind);
  switch (fault?.kind) {
    case 'hang':
      return; // accepted, never answered: the socket stays open until someone gives up
    case 'reset':
      if (!plan.request.stream || fault.afterChunks === undefined) {
        await pause(plan.clock, plan.firstByteMs, plan.signal);
        return resetSocket(res);
      }
      break;
    case 'status': {
      await pause(plan.clock, plan.firstByteMs, plan.signal);
      const retryAfterMs = fault.retryAfterMs ?? (fault.retryAfterS ?? 0) * 1000;
      const spec = { ...plan.errorSpec, variant: fault.variant, message: fault.message };
      const reply = plan.kit.error(fault.status, {
        ...spec,
        retryAfterMs: retryAfterMs || undefined,
      });
      return sendReply(res, reply, { ...plan.headers, ...retryHeaders(fault) });
    }
    case 'slow_first_byte':
      await pause(plan.clock, fault.delayMs, plan.signal);
      break;
    case 'slow_down':
    case 'billing':
    case 'server_overloaded':
    case 'cdn_error': {
      await pause(plan.clock, plan.firstByteMs, plan.signal);
      const reply = currentFaultReply(fault, plan.kit.name, plan.errorSpec.requestId);
      return sendReply(res, reply, plan.headers);
    }
    case 'overloaded_event':
      if (!plan.request.stream) {
        await pause(plan.clock, plan.firstByteMs, plan.signal);
        const reply = currentFaultReply(fault, plan.kit.name, plan.errorSpec.requestId);
        return sendReply(res, reply, plan.headers);
      }
      break;
  }
  if (plan.request.stream) return sendStream(plan);
  return sendBody(plan);
}

function context(plan: Plan) {
  return {
    model: plan.request.model,
    nowMs: plan.nowMs,
    random: plan.random,
    includeUsage: plan.request.includeUsage,
  };
}

async function sendBody(plan: Plan): Promise<void> {
  const { res, fault, kit } = plan;
  const generationMs = plan.perTokenMs * plan.completion.outputTokens;
  await pause(plan.clock, plan.firstByteMs + generationMs, plan.signal);
  if (fault?.kind === 'midstream_error') {
    return sendReply(res, kit.error(kit.overloadedStatus, plan.errorSpec), plan.headers);
  }
  const body = Buffer.from(JSON.stringify(kit.body(plan.completion, context(plan))), 'utf8');
  const half = Math.floor(body.length / 2);
  const headers = { ...plan.headers, 'content-type': 'application/json' };
  if (fault?.kind === 'malformed_json') {
    res.writeHead(200, { ...headers, 'content-length': String(half) });
    res.end(body.subarray(0, half));
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': String(body.length) });
  if (fault?.kind === 'stall_midstream' || fault?.kind === 'stream_cut') {
    res.write(body.subarray(0, half));
    if (fault.kind === 'stream_cut') return resetSocket(res);
    await stall(plan, fault.delayMs);
    res.end(body.subarray(half));
    return;
  }
  res.end(body);
}

async function sendStream(plan: Plan): Promise<void> {
  const { res, fault, kit } = plan;
  await pause(plan.clock, plan.firstByteMs, plan.signal);
  const frames = kit.stream(plan.completion, context(plan));
  res.writeHead(200, {
    ...plan.headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.flushHeaders();
  const at = strikeAt(fault, frames.length);
  for (let i = 0; i < frames.length; i++) {
    if (res.destroyed) return;
    if (i === at && fault) {
      switch (fault.kind) {
        case 'stream_cut':
          return void res.end();
        case 'midstream_error':
          return void res.end(kit.streamError().text);
        case 'overloaded_event':
          return void res.end(overloadedFrame(kit.name).text);
        case 'malformed_json':
          return void res.end(kit.malformedFrame(plan.request.model).text);
        case 'reset':
          return resetSocket(res);
        case 'stall_midstream':
          await stall(plan, fault.delayMs);
          break;
      }
    }
    const frame = frames[i]!;
    await pause(plan.clock, plan.perTokenMs * frame.tokens, plan.signal);
    // A client that reads slowly holds the stream back, as a real provider's socket would; the
    // frames are never piled up in memory for it.
    if (!res.write(frame.text)) await drained(res, plan.signal);
  }
  res.end();
}

/** The frame index a mid-stream fault strikes before, never past the terminator. */
function strikeAt(fault: Fault | undefined, frameCount: number): number {
  if (!fault) return -1;
  // Right after the preamble (OpenAI's role chunk, Anthropic's message_start): before content.
  if (fault.kind === 'overloaded_event') return 1;
  const after = 'afterChunks' in fault && fault.afterChunks !== undefined ? fault.afterChunks : 2;
  return Math.min(after, frameCount - 1);
}

/** Goes silent for `delayMs`, or until the client or the simulator gives up. */
async function stall(plan: Plan, delayMs: number | undefined): Promise<void> {
  if (delayMs === undefined) await untilAborted(plan.signal);
  else await pause(plan.clock, delayMs, plan.signal);
}

/** Drops the connection with a TCP reset, as a crashed upstream or a middlebox would. */
function resetSocket(res: ServerResponse): void {
  const socket = res.socket;
  if (socket && typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else res.destroy();
}
