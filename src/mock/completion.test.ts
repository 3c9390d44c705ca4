import { describe, expect, it } from 'vitest';
import { planCompletion } from './completion.ts';
import { mulberry32 } from './prng.ts';
import type { MockRequest } from './request-parse.ts';
import { parseScenario } from './scenario-parse.ts';

const behaviour = parseScenario({ default: { outputTokens: 10 } }).default;
const base: MockRequest = {
  dialect: 'openai',
  endpoint: 'chat',
  model: 'm',
  stream: false,
  includeUsage: false,
  maxTokens: undefined,
  inputTokens: 12,
  tools: [],
  toolChoice: { mode: 'auto' },
  lastUserText: 'hello',
  endsWithToolResult: false,
};
const weather = {
  name: 'weather',
  schema: {
    type: 'object',
    properties: {
      city: { type: 'string' },
      days: { type: 'integer' },
      metric: { type: 'boolean' },
    },
    required: ['city', 'days', 'metric'],
  },
};

describe('planCompletion', () => {
  it('writes the configured number of tokens, deterministically', () => {
    const a = planCompletion(base, behaviour, mulberry32(1));
    expect(a.pieces).toHaveLength(10);
    expect(a.outputTokens).toBe(10);
    expect(a.stop).toBe('end');
    expect(a.pieces.join('')).toMatch(/^[A-Z][a-z]+( [A-Za-z]+\.?)+\.$/);
    expect(planCompletion(base, behaviour, mulberry32(1)).pieces).toEqual(a.pieces);
  });

  it('cuts at max tokens and says so', () => {
    const c = planCompletion({ ...base, maxTokens: 4 }, behaviour, mulberry32(1));
    expect(c.pieces).toHaveLength(4);
    expect(c.stop).toBe('length');
    expect(planCompletion({ ...base, maxTokens: 10 }, behaviour, mulberry32(1)).stop).toBe('end');
  });

  it('calls the first tool when asked to, with placeholder arguments', () => {
    const asked = { ...base, tools: [weather], lastUserText: 'Please CALL A TOOL' };
    const c = planCompletion(asked, behaviour, mulberry32(1));
    expect(c.stop).toBe('tool');
    expect(c.tool).toMatchObject({
      name: 'weather',
      input: { city: 'mock', days: 1, metric: true },
    });
    expect(c.tool?.json).toBe('{"city":"mock","days":1,"metric":true}');
  });

  it('follows tool_choice and the toolCall setting, and stops after a tool result', () => {
    const other = { name: 'other', schema: undefined };
    const tools = [weather, other];
    const toolCall = { ...behaviour, toolCall: true };
    const plan = (req: Partial<MockRequest>, b = behaviour) =>
      planCompletion({ ...base, tools, ...req }, b, mulberry32(1));
    expect(plan({}).tool).toBeUndefined();
    expect(plan({}, toolCall).tool?.name).toBe('weather');
    expect(plan({ toolChoice: { mode: 'named', name: 'other' } }).tool).toMatchObject({
      name: 'other',
      input: {},
    });
    expect(plan({ toolChoice: { mode: 'any' } }).tool?.name).toBe('weather');
    expect(plan({ toolChoice: { mode: 'none' } }, toolCall).tool).toBeUndefined();
    expect(plan({ endsWithToolResult: true }, toolCall).tool).toBeUndefined();
    expect(plan({ tools: [] }, toolCall).tool).toBeUndefined();
  });
});
