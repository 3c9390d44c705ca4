/**
 * The Node.js flags `breakwater serve` runs with: written into package.json's `start` and
 * `breakwater` scripts and the shebang of bin/breakwater.js (flags must be on the command line;
 * V8 sizes its heap before any code runs), and used by the benchmarks that start the gateway. A
 * test keeps the three in step.
 *
 * `--max-semi-space-size=16` (MiB): V8 sizes the young generation from the heap limit, and on a
 * machine with a few GiB of memory it grew far larger under load; short-lived garbage then
 * filled it before each scavenge, and that showed as resident memory, with no gain in CPU per
 * request or latency.
 *
 * `--min-semi-space-size=16`: capped but free to shrink, the semi-space started small, so at low
 * load a scavenge came every few requests, and a burst grew it back, which counted as the
 * burst's memory. Fixed, it costs a constant amount of resident memory from the first requests
 * on. The figures (bench/overhead, memory phase) are in docs/gateway.md.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = Object.freeze([
  '--max-semi-space-size=16',
  '--min-semi-space-size=16',
]);
