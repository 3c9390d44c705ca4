/**
 * The OpenAI Chat Completions request, as far as breakwater reads it: every field the engine, its
 * translators or the provider read has the provider's type (SDK types; provider-wire.md §5).
 * Values are the provider's call (a temperature of 7 is for it to refuse); unknown fields pass
 * through. `null` counts as absent, as OpenAI reads it.
 *
 * What hangs on another field — `content` required except on an assistant turn, `tool_call_id` on
 * a tool message, `function` on a function tool or call — is a request rule (request-rules.ts), so
 * this schema compiles to zod's fast path (a refinement that runs beside other failures cannot).
 */
import { z } from 'zod';
import {
  after,
  bool,
  int,
  list,
  nonEmptyList,
  num,
  obj,
  optional,
  str,
  stringOrList,
  stringOrObject,
} from './schema-kit.ts';

const o = <T extends z.ZodType>(schema: T) => optional(schema, 'null-is-absent');

/** Checks that only apply to some part types; other types pass as they are. */
const PART_FIELDS: Readonly<Record<string, z.ZodType>> = {
  text: z.looseObject({ text: str() }),
  image_url: z.looseObject({ image_url: z.looseObject({ url: str() }, { error: 'an object' }) }),
  input_audio: z.looseObject({ input_audio: obj() }),
  file: z.looseObject({ file: obj() }),
};

const Part = z.looseObject({ type: str() }).superRefine((part, ctx) => {
  const fields = PART_FIELDS[part.type];
  if (!fields) return;
  const result = fields.safeParse(part, { reportInput: true });
  if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ ...issue } as never);
});

const Content = z.union([z.string(), z.array(Part)], {
  error: 'a string or a list of content parts',
});

const FunctionCall = z.looseObject({ name: str(), arguments: o(str()) }, { error: 'an object' });

const ToolCall = z.looseObject(
  { id: o(str()), type: o(str()), function: o(FunctionCall) },
  { error: 'an object' },
);

const Message = z.looseObject(
  {
    role: str(),
    name: o(str()),
    content: o(Content),
    tool_call_id: o(str()),
    tool_calls: o(list(ToolCall)),
  },
  { error: 'an object' },
);

const FunctionDef = z.looseObject(
  { name: str(), parameters: o(obj()), description: o(str()) },
  { error: 'an object' },
);

const Tool = z.looseObject({ type: o(str()), function: o(FunctionDef) }, { error: 'an object' });

const MODEL_PHRASE = 'a route name or a provider/model target (1–256 characters)';

export const OpenAIRequest = z.looseObject({
  model: str(MODEL_PHRASE).regex(/\S/, { error: MODEL_PHRASE }).max(256, { error: MODEL_PHRASE }),
  messages: nonEmptyList(Message, 'a list of messages', after('must hold at least one message')),
  stream: o(bool()),
  max_tokens: o(int(0)),
  max_completion_tokens: o(int(0)),
  n: o(int(1)),
  seed: o(z.int({ error: 'an integer' })),
  top_logprobs: o(int(0)),
  temperature: o(num()),
  top_p: o(num()),
  presence_penalty: o(num()),
  frequency_penalty: o(num()),
  logprobs: o(bool()),
  parallel_tool_calls: o(bool()),
  store: o(bool()),
  stream_options: o(obj()),
  response_format: o(obj()),
  metadata: o(obj()),
  logit_bias: o(obj()),
  user: o(str()),
  stop: o(stringOrList()),
  tool_choice: o(stringOrObject()),
  tools: o(list(Tool)),
});
