/**
 * The checks every request passes before the engine routes it, on every entry path: the
 * preflight checks (preflight/request-shape.ts — the dialect's schema and semantic rules, every
 * problem in one 400), unless the caller (the gateway) already ran them and hands their result.
 */
import type { DialectName } from '../dialects/dialect-name.ts';
import { checkShape, type ShapeCheck } from '../preflight/request-shape.ts';

export type WireRequest = Record<string, unknown> & { model: string; messages: unknown[] };

/** The request, typed for routing, and the warnings its checks gave. */
export function checkRequest(
  dialect: DialectName,
  body: unknown,
  checked?: ShapeCheck,
): { request: WireRequest; warnings: ShapeCheck['warnings'] } {
  const result = checked ?? checkShape(dialect, dialect === 'openai' ? 'chat' : 'messages', body);
  return { request: body as WireRequest, warnings: result.warnings };
}
