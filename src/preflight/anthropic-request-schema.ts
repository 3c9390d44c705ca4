/**
 * The Anthropic Messages request (and count_tokens, which takes the same inputs without
 * `max_tokens`), as far as breakwater reads it: every field the engine, its translators or the
 * provider read has the provider's type (provider-wire.md §5). Values are the provider's call;
 * unknown fields and unknown block types pass through. Anthropic's API has no nulls: a `null` is
 * reported ("leave it out"), never read as absent.
 *
 * `max_tokens` may be left out: the route's max_tokens policy gives a request without it its
 * default before anything is sent (the semantic rules then check it against the model's limit).
 */
import { z } from 'zod';
import { after, bool, int, list, nonEmptyList, num, obj, optional, str } from './schema-kit.ts';

const o = <T extends z.ZodType>(schema: T) => optional(schema, 'no-nulls');

type Block = { type: string } & Record<string, unknown>;

/** Checks that only apply to some block types; other types pass as they are. */
const BLOCK_FIELDS: Readonly<Record<string, z.ZodType>> = {
  text: z.looseObject({ text: str() }),
  image: z.looseObject({ source: obj() }),
  document: z.looseObject({ source: obj() }),
  thinking: z.looseObject({ thinking: str() }),
  tool_use: z.looseObject({ id: str(), name: str(), input: o(obj()) }),
  tool_result: z.looseObject({
    tool_use_id: str(),
    is_error: o(bool()),
    content: o(
      z.union([z.string(), z.array(z.lazy(() => Block))], {
        error: 'a string or a list of content blocks',
      }),
    ),
  }),
};

const Block: z.ZodType<Block> = z.looseObject({ type: str() }).superRefine((block, ctx) => {
  const fields = BLOCK_FIELDS[block.type];
  if (!fields) return;
  const result = fields.safeParse(block, { reportInput: true });
  if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ ...issue } as never);
});

const Content = z.union([z.string(), z.array(Block)], {
  error: 'a string or a list of content blocks',
});

const Message = z.looseObject({ role: str(), content: Content }, { error: 'an object' });

const Tool = z.looseObject(
  { name: str(), type: o(str()), input_schema: o(obj()) },
  { error: 'an object' },
);

const MODEL_PHRASE = 'a route name or a provider/model target (1–256 characters)';

export const AnthropicRequest = z.looseObject({
  model: str(MODEL_PHRASE).regex(/\S/, { error: MODEL_PHRASE }).max(256, { error: MODEL_PHRASE }),
  messages: nonEmptyList(Message, 'a list of messages', after('must hold at least one message')),
  stream: o(bool()),
  max_tokens: o(int(0)),
  top_k: o(int(0)),
  temperature: o(num()),
  top_p: o(num()),
  metadata: o(obj()),
  thinking: o(obj()),
  tool_choice: o(obj()),
  output_config: o(obj()),
  stop_sequences: o(list(str(), 'a list of strings')),
  system: o(z.union([z.string(), z.array(Block)], { error: 'a string or a list of text blocks' })),
  tools: o(list(Tool)),
});
