/**
 * Images and PDFs across dialects. OpenAI carries an image as `image_url.url`, either a `data:`
 * URL or an http(s) URL; Anthropic as an `image` block whose source is `base64` (with its media
 * type) or `url`. So a base64 `data:` URL ↔ a base64 source, and an http(s) URL ↔ a url source.
 *
 * What cannot cross becomes `undefined` plus a reason for the caller to warn with: a `data:` URL
 * that is not base64 or not one of Anthropic's four image types, a URL of another scheme, and an
 * Anthropic `file` source (a Files API id means nothing to the other provider). OpenAI's
 * `detail` hint has no Anthropic counterpart and is dropped (Anthropic picks the resolution
 * itself). A PDF travels as OpenAI `file.file_data` (a `data:application/pdf;base64,` URL) ↔ an
 * Anthropic `document` with a base64 PDF source.
 */
import type { Base64ImageSource, DocumentBlock, ImageBlock } from '../anthropic/types.ts';
import type { ChatFilePart, ChatImagePart } from '../openai/types.ts';

type ImageMediaType = Base64ImageSource['media_type'];

const IMAGE_TYPES: ReadonlySet<string> = new Set<ImageMediaType>([
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
]);

const DATA_URL = /^data:([^;,]+)((?:;[^;,]*)*),/i;

export type Converted<T> = { ok: true; value: T } | { ok: false; reason: string };

interface DataUrl {
  mediaType: string;
  data: string;
}

/** The media type and base64 payload of a base64 `data:` URL, or why it is not one. */
function parseBase64DataUrl(url: string): DataUrl | string {
  const match = DATA_URL.exec(url);
  if (!match) return 'not a valid data: URL';
  const params = (match[2] ?? '').toLowerCase().split(';');
  if (!params.includes('base64')) return 'a data: URL that is not base64-encoded';
  return { mediaType: (match[1] ?? '').toLowerCase(), data: url.slice(match[0].length) };
}

/** OpenAI `image_url` part → Anthropic `image` block. */
export function toAnthropicImage(part: ChatImagePart): Converted<ImageBlock> {
  const url = part.image_url.url;
  if (/^https?:\/\//i.test(url)) {
    return { ok: true, value: { type: 'image', source: { type: 'url', url } } };
  }
  if (!url.toLowerCase().startsWith('data:')) {
    return { ok: false, reason: 'image URL is neither http(s) nor a data: URL; dropped' };
  }
  const parsed = parseBase64DataUrl(url);
  if (typeof parsed === 'string') return { ok: false, reason: `${parsed}; image dropped` };
  if (!IMAGE_TYPES.has(parsed.mediaType)) {
    return {
      ok: false,
      reason: `image type ${parsed.mediaType} is not one Anthropic accepts (jpeg, png, gif, webp); dropped`,
    };
  }
  const source: Base64ImageSource = {
    type: 'base64',
    media_type: parsed.mediaType as ImageMediaType,
    data: parsed.data,
  };
  return { ok: true, value: { type: 'image', source } };
}

/** Anthropic `image` block → OpenAI `image_url` part. */
export function toOpenAIImage(block: ImageBlock): Converted<ChatImagePart> {
  const source = block.source;
  if (source.type === 'url') return { ok: true, value: imagePart(source.url) };
  if (source.type === 'base64') {
    return { ok: true, value: imagePart(`data:${source.media_type};base64,${source.data}`) };
  }
  return {
    ok: false,
    reason: `an Anthropic ${source.type} image source has no OpenAI counterpart; dropped`,
  };
}

function imagePart(url: string): ChatImagePart {
  return { type: 'image_url', image_url: { url } };
}

/** OpenAI `file` part → Anthropic `document` block (base64 PDFs only). */
export function toAnthropicDocument(part: ChatFilePart): Converted<DocumentBlock> {
  const fileData = part.file.file_data;
  if (typeof fileData !== 'string') {
    return { ok: false, reason: 'an OpenAI file id has no Anthropic counterpart; dropped' };
  }
  const parsed = parseBase64DataUrl(fileData);
  if (typeof parsed === 'string' || parsed.mediaType !== 'application/pdf') {
    return { ok: false, reason: 'only base64 PDF files translate to Anthropic documents; dropped' };
  }
  const block: DocumentBlock = {
    type: 'document',
    source: { type: 'base64', media_type: 'application/pdf', data: parsed.data },
  };
  if (typeof part.file.filename === 'string') block.title = part.file.filename;
  return { ok: true, value: block };
}

/** Anthropic `document` block → OpenAI `file` part (base64 PDF) or text part (plain text). */
export function toOpenAIDocument(
  block: DocumentBlock,
): Converted<ChatFilePart | { type: 'text'; text: string }> {
  const source = block.source;
  if (source.type === 'base64' && source.media_type === 'application/pdf') {
    const file: ChatFilePart['file'] = { file_data: `data:application/pdf;base64,${source.data}` };
    file.filename = typeof block.title === 'string' ? block.title : 'document.pdf';
    return { ok: true, value: { type: 'file', file } };
  }
  if (source.type === 'text' && typeof source.data === 'string') {
    return { ok: true, value: { type: 'text', text: source.data } };
  }
  return {
    ok: false,
    reason: `an Anthropic ${String(source.type)} document source has no OpenAI counterpart; dropped`,
  };
}
