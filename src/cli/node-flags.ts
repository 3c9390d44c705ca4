/**
 * The Node.js flags `breakwater serve` runs with: written into package.json's `start` and
 * `breakwater` scripts and the shebang of bin/breakwater.js (flags must be on the command line;
 * V8 sizes its heap before any code runs), and used by the benchmarks that start the gateway. A
 * test keeps the three in step.
 *
 * `--max-semi-space-size=16` (MiB): V8 sizes the young generation from the heap limit, and on a
 * machine with a few GiB of memory it grew to 128 MiB under load. Short-lived garbage then
 * filled it before each scavenge, and that showed as resident memory: 80 MB more for 1,000 open
 * streams, against 33–42 MB with the young generation capped here (bench/overhead, memory
 * phase), with CPU per request and latency unchanged within the run-to-run noise.
 *
 * `--min-semi-space-size=16`: capped but free to shrink, the semi-space started at 1 MiB, so at
 * low load a scavenge came every dozen requests, and a burst grew it back, which counted as the
 * burst's memory. Fixed at 16 MiB it is about 28 MB resident from the first requests on, and
 * 1,000 open streams then add 25–35 MB instead of 37–42 MB.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = Object.freeze([
  '--max-semi-space-size=16',
  '--min-semi-space-size=16',
]);
