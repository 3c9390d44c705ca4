import { describe, expect, it } from 'vitest';
import { ProviderError } from '../errors/index.ts';
import { openStream } from './stream-commit.ts';

async function* events(list: string[], failAt?: number) {
  for (let i = 0; i < list.length; i++) {
    if (i === failAt) throw new ProviderError('overloaded', 'mid-stream overloaded_error');
    yield list[i]!;
  }
}

const isContent = (e: string) => e.startsWith('text');

describe('openStream', () => {
  it('reads through the preamble to the first content event and hands on the rest', async () => {
    const opened = await openStream(
      events(['start', 'ping', 'text:a', 'text:b', 'stop']),
      isContent,
    );
    expect(opened.head).toEqual(['start', 'ping', 'text:a']);
    expect(opened.done).toBe(false);
    const rest: string[] = [];
    for (let n = await opened.rest.next(); !n.done; n = await opened.rest.next())
      rest.push(n.value);
    expect(rest).toEqual(['text:b', 'stop']);
  });

  it('throws the classified error when the stream fails before any content', async () => {
    await expect(
      openStream(events(['start', 'ping', 'text:a'], 2), isContent),
    ).rejects.toMatchObject({ code: 'overloaded' });
  });

  it('reports a stream that ended with no content as done', async () => {
    const opened = await openStream(events(['start', 'stop']), isContent);
    expect(opened).toMatchObject({ head: ['start', 'stop'], done: true });
  });

  it('classifies a raw socket failure', async () => {
    async function* broken(): AsyncGenerator<string> {
      yield 'start';
      throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    }
    await expect(
      openStream(broken(), isContent, { provider: 'openai', model: 'gpt-4o' }),
    ).rejects.toMatchObject({ code: 'connection', reason: 'reset' });
  });
});
