/**
 * A fixed corpus for token counting: texts of every kind a prompt holds (prose in several
 * scripts, code, JSON, numbers, emoji, whitespace, special-token look-alikes), plus the OpenAI
 * Cookbook's example conversations with the counts the OpenAI API itself reported for them, and
 * Anthropic's documented `count_tokens` examples with their published counts. Shared by the
 * tokenizer tests and the estimate-error report.
 */

export const TEXTS: Readonly<Record<string, string>> = Object.freeze({
  empty: '',
  prose:
    'Rate limits are restrictions that an API imposes on the number of times a user or client can access the server within a specified period of time. They help protect against abuse or misuse of the API, ensure that everyone has fair access, and help manage the aggregate load on the infrastructure.',
  jargon:
    "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.",
  typescript: `export function backoff(attempt: number, baseMs = 1000, capMs = 60_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.floor(Math.random() * ceiling);
}
`,
  python: `def num_tokens(text: str) -> int:
    """Return the number of tokens in a text string."""
    encoding = tiktoken.get_encoding("o200k_base")
    return len(encoding.encode(text))
`,
  json: '{"id":"chatcmpl-123","object":"chat.completion","created":1677652288,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there, how may I assist you today?"},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21}}',
  german:
    'Die Ratenbegrenzung schützt den Dienst vor Überlastung; Anfragen über dem Limit erhalten den Status 429 und sollten später wiederholt werden.',
  french:
    "Le limiteur de débit répartit équitablement la capacité entre les clients, et une file d'attente absorbe les pointes de trafic.",
  japanese: 'お誕生日おめでとう。今日は良い天気ですね。明日も晴れるでしょうか。',
  chinese: '速率限制保护服务免受过载，超出限制的请求会收到状态码429。',
  russian: 'Ограничение скорости защищает сервис от перегрузки.',
  emoji: 'Ship it 🚀🚀 — tests green ✅, coverage 98% 📈, coffee ☕️ low.',
  numbers: '3.14159265358979 2718281828 0x7fffffff 1e-9 550e8400-e29b-41d4-a716-446655440000',
  whitespace: '\n\n    indented line\n\t\ttabbed line\n        \n  trailing spaces   \n',
  specials: 'Text may contain <|endoftext|> or <|im_start|>user literally.',
  repeated: 'token '.repeat(200),
  cookbook: 'tiktoken is great!',
  antidis: 'antidisestablishmentarianism',
  math: '2 + 2 = 4',
});

/**
 * Counts published by OpenAI's tiktoken Cookbook (§2 and §5), produced by tiktoken itself.
 * Key: text; value: [cl100k_base, o200k_base].
 */
export const PUBLISHED_TEXT_COUNTS: readonly (readonly [string, number, number])[] = [
  ['tiktoken is great!', 6, 6],
  ['antidisestablishmentarianism', 6, 6],
  ['2 + 2 = 4', 7, 7],
  ['お誕生日おめでとう', 9, 8],
];

/** The Cookbook's §6 conversation; the OpenAI API reported 129 prompt tokens on gpt-4 and gpt-3.5-turbo, 124 on gpt-4o and gpt-4o-mini. */
export const COOKBOOK_CHAT = Object.freeze({
  messages: [
    {
      role: 'system',
      content:
        'You are a helpful, pattern-following assistant that translates corporate jargon into plain English.',
    },
    {
      role: 'system',
      name: 'example_user',
      content: 'New synergies will help drive top-line growth.',
    },
    {
      role: 'system',
      name: 'example_assistant',
      content: 'Things working well together will increase revenue.',
    },
    {
      role: 'system',
      name: 'example_user',
      content:
        "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.",
    },
    {
      role: 'system',
      name: 'example_assistant',
      content: "Let's talk later when we're less busy about how to do better.",
    },
    {
      role: 'user',
      content:
        "This late pivot means we don't have time to boil the ocean for the client deliverable.",
    },
  ],
});

/** The Cookbook's §7 request with one tool; the OpenAI API reported 105 prompt tokens on gpt-4 and gpt-3.5-turbo, 101 on gpt-4o and gpt-4o-mini. */
export const COOKBOOK_TOOLS_CHAT = Object.freeze({
  messages: [
    {
      role: 'system',
      content: 'You are a helpful assistant that can answer to questions about the weather.',
    },
    { role: 'user', content: "What's the weather like in San Francisco?" },
  ],
  tools: [
    {
      type: 'function',
      function: {
        name: 'get_current_weather',
        description: 'Get the current weather in a given location',
        parameters: {
          type: 'object',
          properties: {
            location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' },
            unit: {
              type: 'string',
              description: 'The unit of temperature to return',
              enum: ['celsius', 'fahrenheit'],
            },
          },
          required: ['location'],
        },
      },
    },
  ],
});

/**
 * Anthropic's documented `count_tokens` examples (platform.claude.com "Token counting") and the
 * `input_tokens` it published for them, counted on Claude models before the Opus 4.7 tokenizer.
 */
export const ANTHROPIC_PUBLISHED: readonly { name: string; request: object; tokens: number }[] = [
  {
    name: 'system + one message',
    request: {
      system: 'You are a scientist',
      messages: [{ role: 'user', content: 'Hello, Claude' }],
    },
    tokens: 14,
  },
  {
    name: 'one tool',
    request: {
      tools: [
        {
          name: 'get_weather',
          description: 'Get the current weather in a given location',
          input_schema: {
            type: 'object',
            properties: {
              location: {
                type: 'string',
                description: 'The city and state, e.g. San Francisco, CA',
              },
            },
            required: ['location'],
          },
        },
      ],
      messages: [{ role: 'user', content: "What's the weather like in San Francisco?" }],
    },
    tokens: 403,
  },
  {
    name: 'extended thinking, three turns',
    request: {
      thinking: { type: 'enabled', budget_tokens: 16000 },
      messages: [
        {
          role: 'user',
          content: 'Are there an infinite number of prime numbers such that n mod 4 == 3?',
        },
        {
          role: 'assistant',
          content: [
            {
              type: 'thinking',
              thinking:
                "This is a nice number theory question. Let's think about it step by step...",
              signature:
                'EuYBCkQYAiJAgCs1le6/Pol5Z4/JMomVOouGrWdhYNsH3ukzUECbB6iWrSQtsQuRHJID6lWV...',
            },
            {
              type: 'text',
              text: 'Yes, there are infinitely many prime numbers p such that p mod 4 = 3...',
            },
          ],
        },
        { role: 'user', content: 'Can you write a formal proof?' },
      ],
    },
    tokens: 88,
  },
];
