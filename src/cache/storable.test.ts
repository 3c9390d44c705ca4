import { describe, expect, it } from 'vitest';
import {
  completion,
  message,
  toolCallCompletion,
  toolUseMessage,
} from '../dialects/answers.fixture.ts';
import { isStorable } from './storable.ts';

describe('isStorable', () => {
  it.each([
    ['stop', completion(), true],
    ['tool_calls', toolCallCompletion, true],
    ['length with text', completion({ finish_reason: 'length' }), true],
    [
      'length with nothing',
      completion({ finish_reason: 'length', message: { content: '' } }),
      false,
    ],
    ['content_filter', completion({ finish_reason: 'content_filter' }), false],
    ['an interrupted stream', completion({ finish_reason: null }), false],
    [
      'a refusal',
      completion({ message: { content: null, refusal: "I can't help with that." } }),
      false,
    ],
    ['no choices', completion({}, { choices: [] }), false],
  ])('openai %s → %s', (_name, response, expected) => {
    expect(isStorable({ dialect: 'openai', response })).toBe(expected);
  });

  it('needs every choice of an n > 1 answer to be clean', () => {
    const two = completion();
    const [first] = two.choices;
    if (!first) throw new Error('fixture has a choice');
    two.choices.push({ ...first, index: 1, finish_reason: 'content_filter' });
    expect(isStorable({ dialect: 'openai', response: two })).toBe(false);
  });

  it.each([
    ['end_turn', message(), true],
    ['tool_use', toolUseMessage, true],
    ['stop_sequence', message({ stop_reason: 'stop_sequence', stop_sequence: 'END' }), true],
    ['max_tokens with text', message({ stop_reason: 'max_tokens' }), true],
    [
      'max_tokens spent thinking',
      message({
        stop_reason: 'max_tokens',
        content: [{ type: 'thinking', thinking: 'Hmm', signature: 's' }],
      }),
      false,
    ],
    ['refusal', message({ stop_reason: 'refusal' }), false],
    ['pause_turn', message({ stop_reason: 'pause_turn' }), false],
    ['context window exceeded', message({ stop_reason: 'model_context_window_exceeded' }), false],
    ['an interrupted stream', message({ stop_reason: null }), false],
    ['empty text', message({ content: [{ type: 'text', text: '' }] }), false],
  ])('anthropic %s → %s', (_name, response, expected) => {
    expect(isStorable({ dialect: 'anthropic', response })).toBe(expected);
  });
});
