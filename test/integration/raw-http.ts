/**
 * HTTP/1.1 over a bare socket, for requests no HTTP client would send (a NUL in a header, a
 * duplicate content-length, a method that does not exist): `rawExchange` writes the bytes, waits
 * for the server to close the connection, and parses what came back.
 */
import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Headers;
  body: string;
}

/** One answer from `bytes` (status line, headers, body; chunked bodies joined). */
export function parseRawAnswer(all: Buffer): RawAnswer {
  let bytes = all;
  // Interim answers (`100 Continue`) come first, with no body: the answer is the one after.
  while (/^HTTP\/1\.[01] 1\d\d /.test(bytes.toString('latin1', 0, 13))) {
    bytes = bytes.subarray(bytes.indexOf('\r\n\r\n') + 4);
  }
  const split = bytes.indexOf('\r\n\r\n');
  const [statusLine, ...lines] = bytes.subarray(0, split).toString('latin1').split('\r\n');
  const headers = new Headers();
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  let body = bytes.subarray(split + 4);
  if (headers.get('transfer-encoding') === 'chunked') {
    const out: Buffer[] = [];
    for (let rest = body; ; ) {
      const end = rest.indexOf('\r\n');
      const size = Number.parseInt(rest.subarray(0, end).toString('latin1'), 16);
      if (!size) break;
      out.push(rest.subarray(end + 2, end + 2 + size));
      rest = rest.subarray(end + 4 + size);
    }
    body = Buffer.concat(out);
  } else if (headers.has('content-length')) {
    body = body.subarray(0, Number(headers.get('content-length')));
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, body: body.toString('utf8') };
}

/**
 * Sends `bytes` on a new connection and resolves with the server's answer once it has closed the
 * connection; `undefined` when it closed without answering.
 */
export function rawExchange(port: number, bytes: string | Buffer): Promise<RawAnswer | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      resolve(all.length === 0 ? undefined : parseRawAnswer(all));
    });
    socket.write(bytes);
  });
}
