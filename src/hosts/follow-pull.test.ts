import { Readable } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { followPull, PullStreamError } from './follow-pull.js';

function streamOf(...chunks: string[]): Readable {
  return Readable.from(chunks.map((c) => Buffer.from(c)));
}

describe('followPull', () => {
  it('resolves when the stream ends without an error line', async () => {
    await expect(
      followPull(
        streamOf(
          '{"status":"Pulling from library/webui","id":"2"}\r\n',
          '{"status":"Digest: sha256:ab"}\n{"status":"Status: Downloaded newer',
          ' image for webui:2"}\n',
        ),
      ),
    ).resolves.toBeUndefined();
  });

  it('rejects with the error reported inside the stream, even split across chunks', async () => {
    const attempt = followPull(
      streamOf(
        '{"status":"Pulling from none"}\n{"errorDetail":{"message":"manifest unknown"},',
        '"error":"manifest for 127.0.0.1:5000/none:latest not found"}\n',
      ),
    );
    await expect(attempt).rejects.toBeInstanceOf(PullStreamError);
    await expect(attempt).rejects.toThrow('manifest for 127.0.0.1:5000/none:latest not found');
  });

  it('finds an error on a last line without a newline, and in errorDetail alone', async () => {
    await expect(followPull(streamOf('{"errorDetail":{"message":"denied"}}'))).rejects.toThrow(
      'denied',
    );
  });

  it('skips lines that are not JSON', async () => {
    await expect(followPull(streamOf('garbage\n', '{"status":"done"}\n'))).resolves.toBeUndefined();
  });

  it('passes on a failure of the stream itself', async () => {
    const broken = new Readable({
      read() {
        this.destroy(new Error('socket hang up'));
      },
    });
    await expect(followPull(broken)).rejects.toThrow('socket hang up');
  });
});
