/** The wire formats breakwater speaks: OpenAI Chat Completions and Anthropic Messages. */
export type DialectName = 'openai' | 'anthropic';

export const DIALECTS: readonly DialectName[] = Object.freeze(['openai', 'anthropic']);
