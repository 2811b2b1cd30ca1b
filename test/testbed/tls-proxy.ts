import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';

import type { TestPki } from './tls-files.js';

/** A TLS front for a local engine, like a Docker host started with --tlsverify. */
export interface TlsProxy {
  port: number;
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 with the PKI's server certificate, accepts only clients whose certificate
 * the PKI's CA signed, and passes each connection on to the engine's unix socket.
 */
export async function startTlsProxy(pki: TestPki, socketPath: string): Promise<TlsProxy> {
  const open = new Set<Socket | TLSSocket>();
  const track = (socket: Socket | TLSSocket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer(
    {
      key: readFileSync(pki.serverKey),
      cert: readFileSync(pki.serverCert),
      ca: readFileSync(pki.ca),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (client) => {
      const engine = connect(socketPath);
      track(client);
      track(engine);
      client.pipe(engine).pipe(client);
    },
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    close: () =>
      new Promise((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
