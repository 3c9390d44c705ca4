/**
 * Small typed readers for request-shape.ts. Each checks one field's type and throws a
 * `RejectedError` whose message and `param` name the field by its path
 * (`messages.2.content.0.text`, the providers' own style). `null` counts as absent in OpenAI
 * requests, as OpenAI reads it; Anthropic's API and SDK have no nulls, so there it is refused.
 */
import type { DialectName } from '../dialects/dialect-name.ts';
import { RejectedError } from '../errors/index.ts';

type Json = Record<string, unknown>;

function at(path: string, field: string | number): string {
  return path === '' ? String(field) : `${path}.${field}`;
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class Shape {
  /** OpenAI reads `null` as "not given"; Anthropic's API and SDK have no nulls (omit the field). */
  readonly #nullIsAbsent: boolean;

  constructor(dialect: DialectName) {
    this.#nullIsAbsent = dialect === 'openai';
  }

  #fail(path: string, expected: string, value: unknown): never {
    throw new RejectedError('validation', `\`${path}\` must be ${expected}, got ${kind(value)}`, {
      param: path,
    });
  }

  #missing(path: string): never {
    throw new RejectedError('validation', `\`${path}\` is required`, { param: path });
  }

  #get(obj: Json, field: string, path: string, required: boolean): unknown {
    const value = obj[field];
    if (value === null && !this.#nullIsAbsent) {
      throw new RejectedError(
        'validation',
        `\`${at(path, field)}\` must not be null: leave it out`,
        {
          param: at(path, field),
        },
      );
    }
    if ((value === undefined || value === null) && required) this.#missing(at(path, field));
    return value ?? undefined;
  }

  string(obj: Json, field: string, path = '', required = false): string | undefined {
    const value = this.#get(obj, field, path, required);
    if (value !== undefined && typeof value !== 'string')
      this.#fail(at(path, field), 'a string', value);
    return value as string | undefined;
  }

  number(obj: Json, field: string, path = ''): void {
    const value = this.#get(obj, field, path, false);
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value)))
      this.#fail(at(path, field), 'a number', value);
  }

  integer(obj: Json, field: string, min?: number, required = false): void {
    const value = this.#get(obj, field, '', required);
    if (value === undefined) return;
    if (!Number.isSafeInteger(value)) this.#fail(field, 'an integer', value);
    if (min !== undefined && (value as number) < min)
      this.#fail(field, `an integer of at least ${min}`, value);
  }

  boolean(obj: Json, field: string, path = ''): void {
    const value = this.#get(obj, field, path, false);
    if (value !== undefined && typeof value !== 'boolean')
      this.#fail(at(path, field), 'true or false', value);
  }

  object(obj: Json, field: string, path = '', required = false): Json | undefined {
    const value = this.#get(obj, field, path, required);
    if (value !== undefined && !isObject(value)) this.#fail(at(path, field), 'an object', value);
    return value as Json | undefined;
  }

  stringOrList(obj: Json, field: string): void {
    const value = this.#get(obj, field, '', false);
    if (value === undefined || typeof value === 'string') return;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
      this.#fail(field, 'a string or a list of strings', value);
  }

  stringOrObject(obj: Json, field: string): void {
    const value = this.#get(obj, field, '', false);
    if (value !== undefined && typeof value !== 'string' && !isObject(value))
      this.#fail(field, 'a string or an object', value);
  }

  /** A list whose items are objects (checked by `each`) or strings. */
  list(
    obj: Json,
    field: string,
    each: (item: Json, path: string) => unknown,
    path = '',
    required = false,
    items: 'object' | 'string' = 'object',
  ): void {
    const where = at(path, field);
    const value = this.#get(obj, field, path, required);
    if (value === undefined) return;
    if (!Array.isArray(value)) this.#fail(where, 'a list', value);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (items === 'string') {
        if (typeof item !== 'string') this.#fail(at(where, i), 'a string', item);
      } else {
        if (!isObject(item)) this.#fail(at(where, i), 'an object', item);
        each(item, at(where, i));
      }
    }
  }

  /** A message's `content`: a string, or a list of typed parts (OpenAI) or blocks (Anthropic). */
  content(message: Json, path: string, dialect: DialectName, required = true): void {
    const value = message.content;
    if (typeof value === 'string') return;
    if (value === undefined || value === null) {
      if (required) this.#missing(at(path, 'content'));
      return;
    }
    if (dialect === 'anthropic') {
      this.list(message, 'content', (block, p) => this.block(block, p), path);
      return;
    }
    this.list(
      message,
      'content',
      (part, p) => {
        const type = this.string(part, 'type', p, true);
        if (type === 'text') this.string(part, 'text', p, true);
        else if (type === 'image_url') {
          const image = this.object(part, 'image_url', p, true);
          if (image) this.string(image, 'url', `${p}.image_url`, true);
        } else if (type === 'input_audio' || type === 'file') this.object(part, type, p, true);
      },
      path,
    );
  }

  /** An Anthropic content block (and a tool result's own blocks). */
  block(block: Json, path: string): void {
    const type = this.string(block, 'type', path, true);
    switch (type) {
      case 'text':
        this.string(block, 'text', path, true);
        return;
      case 'image':
      case 'document':
        this.object(block, 'source', path, true);
        return;
      case 'thinking':
        this.string(block, 'thinking', path, true);
        return;
      case 'tool_use':
        this.string(block, 'id', path, true);
        this.string(block, 'name', path, true);
        this.object(block, 'input', path);
        return;
      case 'tool_result':
        this.string(block, 'tool_use_id', path, true);
        this.boolean(block, 'is_error', path);
        if (typeof block.content !== 'string')
          this.list(block, 'content', (inner, p) => this.block(inner, p), path);
    }
  }
}
