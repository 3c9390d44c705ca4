/** The context-window tools: split long text, trim a conversation, summarise its older turns. */
export { type ChunkTextOptions, chunkText } from './chunk-text.ts';
export {
  type CompressHistoryOptions,
  compressHistory,
  SUMMARY_PREFIX,
  type SummaryCaller,
} from './compress-history.ts';
export {
  type SlidingWindowOptions,
  slideWindow,
  slidingWindow,
  type WindowResult,
} from './sliding-window.ts';
