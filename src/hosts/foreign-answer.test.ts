import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { createDockerodeHost } from './dockerode-host.js';
import { HostError } from './host-error.js';

const MARKER = 'MARKER-OF-THE-REPLY';

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

/** A listener on loopback that answers every request with `status`, `type` and `body`. */
async function answering(status: number, type: string, body: string): Promise<number> {
  server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function listFailure(port: number): Promise<HostError> {
  const host = createDockerodeHost('odd', { kind: 'tcp', host: '127.0.0.1', port });
  try {
    const error = await host.listContainers().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(HostError);
    return error as HostError;
  } finally {
    host.close();
  }
}

describe('a Docker host endpoint that is not an engine', () => {
  it("gives its status, never its reply's body", async () => {
    const page = await listFailure(
      await answering(500, 'text/html', `<html>\n<body>${MARKER}</body>\n</html>`),
    );
    expect(page.message).toBe(
      'Docker host odd could not list containers: HTTP 500 Internal Server Error',
    );
    const text = await listFailure(await answering(404, 'text/plain', `${MARKER}\nsecond line`));
    expect(text.message).toBe('Docker host odd could not list containers: HTTP 404 Not Found');
  });

  it("keeps an engine's message short and on one line", async () => {
    const long = await listFailure(
      await answering(
        400,
        'application/json',
        JSON.stringify({ message: `\u001b[2J${'z'.repeat(1000)}` }),
      ),
    );
    expect(long.message).toMatch(
      /^Docker host odd could not list containers: \[2Jz+… \(HTTP 400\)$/,
    );
    expect(long.message.length).toBeLessThan(220);
  });

  it('refuses an answer that is not a container list', async () => {
    const odd = await listFailure(await answering(200, 'text/plain', MARKER));
    expect(odd.kind).toBe('engine');
    expect(odd.message).not.toContain(MARKER);
  });
});
