/**
 * What breakwater knows about a model: how much fits (context window, most output tokens) and
 * what a token costs. Built in for current OpenAI and Anthropic models (catalog-data.ts), with
 * config overrides on top: an override for `provider/model` applies to that target only, one for
 * a bare model name to that model at every provider, and either may set a single field. A new
 * input price moves the cache read and write prices with it, unless those are set too.
 *
 * Look-ups accept the names clients send: dated snapshots (`gpt-4o-2024-08-06`,
 * `claude-sonnet-4-5-20250929`), `-latest` aliases, fine-tuned models (`ft:gpt-4o-mini:…`, priced
 * as their base here — set an override for the fine-tune's own price).
 */
import { ALIASES, ANTHROPIC_MODELS, type CatalogRow, OPENAI_MODELS } from './catalog-data.ts';

/** Prices are US dollars per million tokens. */
export interface ModelInfo {
  /** The catalog entry that answered (e.g. `gpt-4o` for `gpt-4o-2024-08-06`). */
  name: string;
  contextWindow: number;
  maxOutputTokens: number;
  inputUsdPerMTok: number;
  /** OpenAI cached input; Anthropic cache hits. */
  cachedInputUsdPerMTok: number;
  /** Anthropic cache writes (5-minute); the input price where writes cost nothing extra. */
  cacheWriteUsdPerMTok: number;
  outputUsdPerMTok: number;
}

/** An override from config: any subset of the fields. */
export type ModelInfoOverride = Partial<Omit<ModelInfo, 'name'>>;

/** A model's prices alone, US dollars per million tokens. */
export type Prices = Pick<
  ModelInfo,
  'inputUsdPerMTok' | 'cachedInputUsdPerMTok' | 'cacheWriteUsdPerMTok' | 'outputUsdPerMTok'
>;

function fromRow(name: string, row: CatalogRow): ModelInfo {
  return Object.freeze({
    name,
    contextWindow: row.contextWindow,
    maxOutputTokens: row.maxOutputTokens,
    inputUsdPerMTok: row.input,
    cachedInputUsdPerMTok: row.cachedInput,
    cacheWriteUsdPerMTok: row.cacheWrite,
    outputUsdPerMTok: row.output,
  });
}

const BUILT_IN = new Map<string, ModelInfo>();
for (const table of [OPENAI_MODELS, ANTHROPIC_MODELS]) {
  for (const [name, row] of Object.entries(table)) BUILT_IN.set(name, fromRow(name, row));
}

/** Names to try for `model`, most specific first. */
export function catalogNames(model: string): string[] {
  const names: string[] = [];
  let name = model.trim().toLowerCase();
  if (name.startsWith('ft:')) name = name.slice(3).split(':')[0] ?? name;
  const push = (n: string) => {
    if (!names.includes(n)) names.push(n);
    const alias = ALIASES[n];
    if (alias && !names.includes(alias)) names.push(alias);
  };
  push(name);
  const undated = name
    .replace(/-\d{4}-\d{2}-\d{2}$/, '')
    .replace(/-\d{8}$/, '')
    .replace(/-latest$/, '');
  push(undated);
  return names;
}

/** The built-in entry for `model`, or `undefined`. */
export function builtInModel(model: string): ModelInfo | undefined {
  for (const name of catalogNames(model)) {
    const info = BUILT_IN.get(name);
    if (info) return info;
  }
  return undefined;
}

export class ModelCatalog {
  readonly #overrides: ReadonlyMap<string, ModelInfoOverride>;
  readonly #cache = new Map<string, ModelInfo | undefined>();

  /** `overrides` keyed by `provider/model` or a model name. */
  constructor(overrides: Readonly<Record<string, ModelInfoOverride>> = {}) {
    this.#overrides = new Map(
      Object.entries(overrides).map(([key, value]) => [key.toLowerCase(), value]),
    );
  }

  /**
   * What is known about `model` at `provider` (overrides applied), or `undefined` when neither
   * the built-in table nor the config knows it well enough to price it.
   */
  get(model: string, provider?: string): ModelInfo | undefined {
    const key = `${provider ?? ''}\u0000${model}`;
    if (this.#cache.has(key)) return this.#cache.get(key);
    const info = this.#resolve(model, provider);
    if (this.#cache.size < 4096) this.#cache.set(key, info);
    return info;
  }

  #resolve(model: string, provider: string | undefined): ModelInfo | undefined {
    const names = catalogNames(model);
    const base = builtInModel(model);
    let override: ModelInfoOverride | undefined;
    for (const name of names) {
      override ??= provider ? this.#overrides.get(`${provider.toLowerCase()}/${name}`) : undefined;
    }
    for (const name of names) override ??= this.#overrides.get(name);
    if (!override) return base;
    const merged = { name: base?.name ?? names[0] ?? model, ...base, ...override };
    const input = override.inputUsdPerMTok;
    if (base && input !== undefined) {
      // The cache prices derive from the input price: a new input price moves them in proportion
      // (Anthropic: reads 0.1×, writes 1.25×), unless the override sets them itself.
      const scale = (price: number) =>
        base.inputUsdPerMTok > 0 ? (price / base.inputUsdPerMTok) * input : input;
      if (override.cachedInputUsdPerMTok === undefined)
        merged.cachedInputUsdPerMTok = scale(base.cachedInputUsdPerMTok);
      if (override.cacheWriteUsdPerMTok === undefined)
        merged.cacheWriteUsdPerMTok = scale(base.cacheWriteUsdPerMTok);
    }
    merged.cachedInputUsdPerMTok ??= merged.inputUsdPerMTok;
    merged.cacheWriteUsdPerMTok ??= merged.inputUsdPerMTok;
    const priced = merged.inputUsdPerMTok !== undefined && merged.outputUsdPerMTok !== undefined;
    if (!priced) return undefined;
    return Object.freeze({
      contextWindow: Number.POSITIVE_INFINITY,
      maxOutputTokens: Number.POSITIVE_INFINITY,
      ...merged,
    }) as ModelInfo;
  }
}
