import { connect, createServer, type Socket } from 'node:net';

/** A loopback TCP front for an engine's unix socket that tests can slow down or cut. */
export interface EngineProxy {
  port: number;
  /** Connections open through the proxy now. */
  readonly connections: number;
  /** Destroys every open connection, as a dropped network would. */
  cut(): void;
  close(): Promise<void>;
}

export interface EngineProxyOptions {
  /**
   * How long to hold a chunk the client sends before passing it on, given its text (an HTTP
   * request's head starts it); 0 passes it at once. Chunks stay in order.
   */
  delayMs?: (chunk: string) => number;
}

/** Listens on 127.0.0.1 and passes each connection on to the engine at `socketPath`. */
export async function startEngineProxy(
  socketPath: string,
  options: EngineProxyOptions = {},
): Promise<EngineProxy> {
  const open = new Set<Socket>();
  const track = (socket: Socket): void => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    const engine = connect(socketPath);
    track(client);
    track(engine);
    let queue = Promise.resolve();
    client.on('data', (chunk: Buffer) => {
      const ms = options.delayMs?.(chunk.toString('latin1')) ?? 0;
      queue = queue.then(async () => {
        if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
        if (!engine.destroyed) engine.write(chunk);
      });
    });
    client.on('end', () => {
      void queue.then(() => engine.end());
    });
    engine.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    get connections() {
      return open.size / 2;
    },
    cut: () => {
      for (const socket of open) socket.destroy();
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
