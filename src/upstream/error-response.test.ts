import type { Dispatcher } from 'undici';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import type { BreakwaterError } from '../errors/index.ts';
import { AttemptHandler } from './attempt-handler.ts';
import { errorFromResponse } from './error-response.ts';

const ctx = { provider: 'openai', model: 'gpt-4o' };

/** An attempt whose head (`status`) has arrived; undici's controller played by hand. */
async function answered(status: number, signal?: AbortSignal) {
  const handler = new AttemptHandler(new ManualClock(), ctx, signal);
  const controller = {
    abort: (reason: Error) => handler.onResponseError(controller, reason),
    pause() {},
    resume() {},
  } as unknown as Dispatcher.DispatchController;
  handler.onRequestStart(controller);
  handler.onResponseStart(controller, status, {});
  await handler.head;
  return { handler, controller };
}

const input = (handler: AttemptHandler, status: number) => ({
  dialect: 'openai' as const,
  status,
  headers: {},
  source: handler,
  maxBodyBytes: 1024,
  ctx,
  nowMs: 0,
});

describe('errorFromResponse', () => {
  it('classifies the status with the body', async () => {
    const { handler, controller } = await answered(400);
    const err = errorFromResponse(input(handler, 400));
    handler.onResponseData(
      controller,
      Buffer.from('{"error":{"message":"bad","type":"invalid_request_error"}}'),
    );
    handler.onResponseEnd();
    expect(((await err) as BreakwaterError).code).toBe('invalid_request');
  });

  it('lets the status decide when the body read fails on its own', async () => {
    const { handler, controller } = await answered(503);
    const err = errorFromResponse(input(handler, 503));
    handler.onResponseError(controller, new Error('boom'));
    expect(((await err) as BreakwaterError).code).toBe('unavailable');
  });

  it("lets the caller's abort win when it broke the read", async () => {
    const caller = new AbortController();
    const { handler } = await answered(503, caller.signal);
    const err = errorFromResponse(input(handler, 503));
    caller.abort(new Error('gone'));
    expect(((await err) as BreakwaterError).code).toBe('aborted');
  });
});
