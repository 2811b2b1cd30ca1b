import type { IncomingMessage } from 'node:http';

/**
 * The whole body, or undefined when it is over `max` bytes. An oversized body is read to its end
 * and dropped (up to 16 times the limit; past that the connection is cut), so the client gets its
 * 413 instead of a broken pipe.
 */
export async function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max * 16) {
      req.destroy();
      return undefined;
    }
    if (size <= max) chunks.push(chunk as Buffer);
  }
  return size > max ? undefined : Buffer.concat(chunks);
}
