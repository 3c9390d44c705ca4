import * as specs from 'gpt-tokenizer/models';
import { describe, expect, it } from 'vitest';
import { OPENAI_MODELS } from './catalog-data.ts';
import { builtInModel, catalogNames, ModelCatalog } from './model-catalog.ts';

describe('built-in catalog', () => {
  it('finds dated snapshots, -latest aliases and fine-tunes under their base name', () => {
    expect(builtInModel('gpt-4o-2024-08-06')?.name).toBe('gpt-4o');
    expect(builtInModel('claude-sonnet-4-5-20250929')?.name).toBe('claude-sonnet-4-5');
    expect(builtInModel('claude-3-7-sonnet-latest')?.name).toBe('claude-3-7-sonnet');
    expect(builtInModel('claude-opus-4-20250514')?.name).toBe('claude-opus-4-0');
    expect(builtInModel('ft:gpt-4o-mini:acme::x1')?.name).toBe('gpt-4o-mini');
    expect(builtInModel('llama-3.1-8b')).toBeUndefined();
    expect(catalogNames('GPT-4o')).toEqual(['gpt-4o']);
  });

  it('prices Anthropic cache reads at 0.1× and 5-minute writes at 1.25× input', () => {
    expect(builtInModel('claude-sonnet-4-6')).toMatchObject({
      inputUsdPerMTok: 3,
      cachedInputUsdPerMTok: 0.3,
      cacheWriteUsdPerMTok: 3.75,
      outputUsdPerMTok: 15,
      contextWindow: 1_000_000,
    });
    expect(builtInModel('claude-3-haiku')).toMatchObject({ cachedInputUsdPerMTok: 0.03 });
  });

  it('agrees with gpt-tokenizer on every OpenAI context window and output limit', () => {
    const table = specs as unknown as Record<
      string,
      { context_window?: number; max_output_tokens?: number } | undefined
    >;
    for (const [name, row] of Object.entries(OPENAI_MODELS)) {
      const spec = table[name];
      expect(spec, name).toBeDefined();
      expect([name, row.contextWindow, row.maxOutputTokens]).toEqual([
        name,
        spec!.context_window,
        spec!.max_output_tokens,
      ]);
    }
  });
});

describe('overrides', () => {
  it('overrides one field of a known model, per target or per model', () => {
    const catalog = new ModelCatalog({
      'gpt-4o': { outputUsdPerMTok: 12 },
      'azure/gpt-4o': { inputUsdPerMTok: 2.75 },
    });
    expect(catalog.get('gpt-4o-2024-08-06', 'openai')).toMatchObject({
      inputUsdPerMTok: 2.5,
      outputUsdPerMTok: 12,
    });
    expect(catalog.get('gpt-4o', 'azure')).toMatchObject({ inputUsdPerMTok: 2.75 });
  });

  it('moves the cache prices with a new input price, unless they are set too', () => {
    const catalog = new ModelCatalog({
      'claude-sonnet-4-5': { inputUsdPerMTok: 0 },
      'anthropic/claude-sonnet-4-5': { inputUsdPerMTok: 6 },
      'other/claude-sonnet-4-5': { inputUsdPerMTok: 6, cacheWriteUsdPerMTok: 9 },
      'gpt-4o': { inputUsdPerMTok: 5 },
    });
    // Built in: $3 input, $0.30 cache reads, $3.75 cache writes.
    expect(catalog.get('claude-sonnet-4-5')).toMatchObject({
      inputUsdPerMTok: 0,
      cachedInputUsdPerMTok: 0,
      cacheWriteUsdPerMTok: 0,
      outputUsdPerMTok: 15,
    });
    const doubled = catalog.get('claude-sonnet-4-5', 'anthropic')!;
    expect(doubled.cachedInputUsdPerMTok).toBeCloseTo(0.6);
    expect(doubled.cacheWriteUsdPerMTok).toBeCloseTo(7.5);
    const own = catalog.get('claude-sonnet-4-5', 'other')!;
    expect(own.cacheWriteUsdPerMTok).toBe(9);
    expect(own.cachedInputUsdPerMTok).toBeCloseTo(0.6);
    // OpenAI: cached input half of input, writes at the input price.
    expect(catalog.get('gpt-4o')).toMatchObject({
      inputUsdPerMTok: 5,
      cachedInputUsdPerMTok: 2.5,
      cacheWriteUsdPerMTok: 5,
    });
  });

  it('adds an unknown model once it has both prices; defaults the cached prices to input', () => {
    const catalog = new ModelCatalog({
      'llama-3.1-8b': { inputUsdPerMTok: 0.05, outputUsdPerMTok: 0.08, contextWindow: 131_072 },
      'half-known': { contextWindow: 8192 },
    });
    expect(catalog.get('llama-3.1-8b', 'groq')).toMatchObject({
      name: 'llama-3.1-8b',
      cachedInputUsdPerMTok: 0.05,
      cacheWriteUsdPerMTok: 0.05,
      maxOutputTokens: Number.POSITIVE_INFINITY,
    });
    expect(catalog.get('half-known')).toBeUndefined();
    expect(catalog.get('mystery')).toBeUndefined();
  });
});
