/**
 * A SHA-256 over the canonical JSON of a value: object keys sorted (by UTF-16 code unit, as
 * `Array.prototype.sort` does), arrays in order, `undefined` properties left out as
 * `JSON.stringify` leaves them out. Two values that differ only in key order hash the same.
 *
 * Paths can be excluded: each is a list of property names, where `*` stands for any array index
 * or property name. The text is fed to the hash piece by piece, never built as one string, so a
 * request with large images or documents costs no extra copy.
 */
import { createHash, type Hash } from 'node:crypto';

/** `['messages', '*', 'content', '*', 'cache_control']`. */
export type ExcludedPath = readonly string[];

/** Excluded paths compiled into a tree (see `compilePaths`). */
export interface PathNode {
  /** The property at this node is excluded. */
  excluded: boolean;
  children: Map<string, PathNode>;
}

/** Compiles excluded paths once, so hashing walks a tree rather than testing every path. */
export function compilePaths(paths: readonly ExcludedPath[]): PathNode {
  const root: PathNode = { excluded: false, children: new Map() };
  for (const path of paths) {
    let node = root;
    for (const segment of path) {
      let child = node.children.get(segment);
      if (!child) {
        child = { excluded: false, children: new Map() };
        node.children.set(segment, child);
      }
      node = child;
    }
    node.excluded = true;
  }
  return root;
}

const NO_PATHS: readonly PathNode[] = [];

/** The nodes reached from `nodes` through `segment` (an exact name, or `*`). */
function step(nodes: readonly PathNode[], segment: string): readonly PathNode[] {
  if (nodes.length === 0) return NO_PATHS;
  const next: PathNode[] = [];
  for (const node of nodes) {
    const exact = node.children.get(segment);
    if (exact) next.push(exact);
    const any = node.children.get('*');
    if (any) next.push(any);
  }
  return next;
}

function feed(hash: Hash, value: unknown, nodes: readonly PathNode[]): void {
  if (value === null || typeof value !== 'object') {
    // `undefined`, functions and symbols inside arrays become null, as in JSON.
    hash.update(JSON.stringify(value) ?? 'null');
    return;
  }
  if (Array.isArray(value)) {
    hash.update('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) hash.update(',');
      feed(hash, value[i], step(nodes, '*'));
    }
    hash.update(']');
    return;
  }
  const record = value as Record<string, unknown>;
  hash.update('{');
  let first = true;
  for (const key of Object.keys(record).sort()) {
    const child = record[key];
    if (child === undefined || typeof child === 'function' || typeof child === 'symbol') continue;
    const childNodes = step(nodes, key);
    if (childNodes.some((node) => node.excluded)) continue;
    if (!first) hash.update(',');
    first = false;
    hash.update(JSON.stringify(key));
    hash.update(':');
    feed(hash, child, childNodes);
  }
  hash.update('}');
}

/** Hex SHA-256 of `value`'s canonical JSON, leaving out the compiled `excluded` paths. */
export function canonicalHash(value: unknown, excluded?: PathNode): string {
  const hash = createHash('sha256');
  feed(hash, value, excluded ? [excluded] : NO_PATHS);
  return hash.digest('hex');
}
