/**
 * Replaying a stored completion as the `chat.completion.chunk`s a streaming client expects (the
 * caller appends `data: [DONE]`); they fold back, with the accumulator, into the very answer that
 * was stored.
 *
 * The replay keeps the answer's own `id`, `created` and `model`: it is the same answer, served
 * again, and a client correlating logs or feedback by id should find the original. That it came
 * from the cache is said out of band, by the caller (response headers), not by changing the body.
 */
import { DEFAULT_PIECE_CHARS, type ReplayOptions, splitText } from '../split-text.ts';
import type {
  ChatCompletion,
  ChatCompletionChoice,
  ChatCompletionChunk,
  ChatCompletionChunkChoice,
  ChatCompletionDelta,
  ChatToolCallDelta,
} from './types.ts';

function isEmptyArray(value: unknown): boolean {
  return Array.isArray(value) && value.length === 0;
}

function choiceDeltas(choice: ChatCompletionChoice, size: number): ChatCompletionDelta[] {
  const { role: _role, content, refusal, tool_calls, function_call, ...rest } = choice.message;
  const deltas: ChatCompletionDelta[] = [
    { role: 'assistant', content: typeof content === 'string' ? '' : null },
  ];
  if (typeof content === 'string') {
    for (const piece of splitText(content, size)) deltas.push({ content: piece });
  }
  if (typeof refusal === 'string') {
    deltas.push({ refusal: '' });
    for (const piece of splitText(refusal, size)) deltas.push({ refusal: piece });
  }
  (tool_calls ?? []).forEach((call, index) => {
    const first: ChatToolCallDelta =
      call.type === 'custom'
        ? { index, id: call.id, type: 'custom', custom: { name: call.custom.name, input: '' } }
        : {
            index,
            id: call.id,
            type: 'function',
            function: { name: call.function.name, arguments: '' },
          };
    deltas.push({ tool_calls: [first] });
    const text = call.type === 'custom' ? call.custom.input : call.function.arguments;
    for (const piece of splitText(text, size)) {
      const fragment: ChatToolCallDelta =
        call.type === 'custom'
          ? { index, custom: { input: piece } }
          : { index, function: { arguments: piece } };
      deltas.push({ tool_calls: [fragment] });
    }
  });
  if (function_call) deltas.push({ function_call: { ...function_call } });
  // Fields the stream has no fragment form for (`annotations`, …) travel whole in one delta;
  // the empty `annotations: []` every completion carries is not worth a chunk.
  const extra = Object.entries(rest).filter(
    ([, value]) => value !== null && value !== undefined && !isEmptyArray(value),
  );
  if (extra.length > 0) deltas.push(Object.fromEntries(extra));
  return deltas;
}

/** The chunks of a stream that folds into `completion`. */
export function replayChatCompletion(
  completion: ChatCompletion,
  options: ReplayOptions = {},
): ChatCompletionChunk[] {
  const size = options.pieceChars ?? DEFAULT_PIECE_CHARS;
  const includeUsage = options.includeUsage === true;
  const envelope = (choices: ChatCompletionChunkChoice[]): ChatCompletionChunk => {
    const chunk: ChatCompletionChunk = {
      id: completion.id,
      object: 'chat.completion.chunk',
      created: completion.created,
      model: completion.model,
      choices,
    };
    if (completion.system_fingerprint !== undefined) {
      chunk.system_fingerprint = completion.system_fingerprint;
    }
    if (completion.service_tier !== undefined) chunk.service_tier = completion.service_tier;
    if (includeUsage) chunk.usage = null;
    return chunk;
  };
  const chunks: ChatCompletionChunk[] = [];
  for (const choice of completion.choices) {
    for (const delta of choiceDeltas(choice, size)) {
      chunks.push(envelope([{ index: choice.index, delta, logprobs: null, finish_reason: null }]));
    }
    chunks.push(
      envelope([
        {
          index: choice.index,
          delta: {},
          logprobs: choice.logprobs ?? null,
          finish_reason: choice.finish_reason,
        },
      ]),
    );
  }
  if (includeUsage && completion.usage) {
    chunks.push({ ...envelope([]), usage: completion.usage });
  }
  return chunks;
}
