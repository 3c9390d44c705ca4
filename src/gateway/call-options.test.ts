import { describe, expect, it } from 'vitest';
import { callOptionsFrom } from './call-options.ts';

describe('callOptionsFrom', () => {
  const signal = new AbortController().signal;

  it('passes on only the Anthropic version and beta headers, never billing or auth headers', () => {
    const options = callOptionsFrom(
      {
        'anthropic-version': '2023-06-01',
        'anthropic-beta': 'prompt-caching-2024-07-31',
        'openai-organization': 'org-someone-else',
        'openai-project': 'proj_x',
        authorization: 'Bearer client-key',
        'x-api-key': 'client-key',
      },
      signal,
      'team-a',
    );
    expect(options.headers).toEqual({
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'prompt-caching-2024-07-31',
    });
    expect(options.tenant).toBe('team-a');
  });

  it('reads the deadline, route and cache directives, and names a bad deadline', () => {
    const options = callOptionsFrom(
      {
        'x-breakwater-deadline-ms': '2500',
        'x-breakwater-route': 'chat',
        'cache-control': 'no-cache, no-store',
      },
      signal,
      undefined,
    );
    expect(options).toMatchObject({
      deadlineMs: 2500,
      route: 'chat',
      noCache: true,
      noStore: true,
    });
    expect(callOptionsFrom({ 'x-breakwater-priority': 'low' }, signal, undefined).priority).toBe(
      'low',
    );
    expect(() => callOptionsFrom({ 'x-breakwater-priority': 'urgent' }, signal, undefined)).toThrow(
      'x-breakwater-priority must be high, normal or low',
    );
    expect(() =>
      callOptionsFrom({ 'x-breakwater-deadline-ms': 'soon' }, signal, undefined),
    ).toThrow('x-breakwater-deadline-ms');
  });
});
