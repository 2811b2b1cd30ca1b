import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Git's smart HTTP protocol on loopback: `git http-backend` run as CGI for every request. */
export interface GitHttpServer {
  /** The port, kept across stop() and start(). */
  readonly port: number;
  /** http://127.0.0.1:PORT/NAME for a bare repository NAME under the project root. */
  url(name: string): string;
  /** Closes the listener and every connection: the remote is gone (connection refused). */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  /** While on, requests are accepted and read but never answered. */
  hang(on: boolean): void;
  /** Requests answered or held since the server started. */
  readonly requests: number;
  /**
   * Runs `action` once, just before the next push (receive-pack request) reaches git: what it does
   * to the repository happens between the pusher's look at the branch and its update.
   */
  beforeNextPush(action: () => void): void;
}

export interface GitHttpServerOptions {
  /** Requires HTTP basic authentication with this user and password. */
  basicAuth?: { user: string; password: string };
}

/**
 * Starts a server on 127.0.0.1 (a free port) that serves every bare repository under
 * `projectRoot` (GIT_HTTP_EXPORT_ALL); pushes work where the repository enables
 * `http.receivepack`. git runs isolated from the machine's config.
 */
export async function startGitHttpServer(
  projectRoot: string,
  options: GitHttpServerOptions = {},
): Promise<GitHttpServer> {
  const expected =
    options.basicAuth === undefined
      ? undefined
      : `Basic ${Buffer.from(`${options.basicAuth.user}:${options.basicAuth.password}`).toString('base64')}`;
  const sockets = new Set<Socket>();
  const children = new Set<ChildProcess>();
  let hanging = false;
  let beforePush: (() => void) | undefined;
  let requests = 0;
  let port = 0;
  let server: Server | undefined;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    requests++;
    if (hanging) {
      req.resume();
      return;
    }
    if (expected !== undefined && req.headers.authorization !== expected) {
      req.resume();
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end();
      return;
    }
    if (
      req.method === 'POST' &&
      (req.url ?? '').endsWith('/git-receive-pack') &&
      beforePush !== undefined
    ) {
      const action = beforePush;
      beforePush = undefined;
      action();
    }
    const child = runBackend(projectRoot, req, res);
    children.add(child);
    child.on('close', () => children.delete(child));
  };

  const start = async (): Promise<void> => {
    const created = createServer(handle);
    created.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      created.once('error', reject);
      created.listen(port, '127.0.0.1', () => {
        const address = created.address();
        if (typeof address === 'object' && address !== null) port = address.port;
        resolve();
      });
    });
    server = created;
  };

  const stop = async (): Promise<void> => {
    const current = server;
    server = undefined;
    if (current === undefined) return;
    const closed = new Promise<void>((resolve) =>
      current.close(() => {
        resolve();
      }),
    );
    for (const socket of sockets) socket.destroy();
    for (const child of children) child.kill('SIGKILL');
    await closed;
  };

  await start();
  return {
    get port() {
      return port;
    },
    get requests() {
      return requests;
    },
    beforeNextPush(action) {
      beforePush = action;
    },
    url: (name) => `http://127.0.0.1:${port}/${name}`,
    stop,
    start,
    hang: (on) => {
      hanging = on;
    },
  };
}

function runBackend(projectRoot: string, req: IncomingMessage, res: ServerResponse): ChildProcess {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const header = (name: string): string => {
    const value = req.headers[name];
    return Array.isArray(value) ? value.join(', ') : (value ?? '');
  };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_PROJECT_ROOT: projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.replace(/^\?/, ''),
    CONTENT_TYPE: header('content-type'),
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
  };
  if (header('content-length') !== '') env.CONTENT_LENGTH = header('content-length');
  if (header('content-encoding') !== '') env.HTTP_CONTENT_ENCODING = header('content-encoding');
  if (header('git-protocol') !== '') env.GIT_PROTOCOL = header('git-protocol');

  const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  req.pipe(child.stdin);
  child.stdin.on('error', () => undefined);
  child.stderr.resume();
  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = headerEnd(head);
    if (end === undefined) return;
    headersDone = true;
    writeCgiHeaders(res, head.subarray(0, end.at).toString('latin1'));
    res.write(head.subarray(end.at + end.length));
  });
  child.on('close', () => {
    if (!headersDone && !res.headersSent) res.writeHead(502);
    res.end();
  });
  return child;
}

function headerEnd(buffer: Buffer): { at: number; length: number } | undefined {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { at: crlf, length: 4 };
  return lf >= 0 ? { at: lf, length: 2 } : undefined;
}

function writeCgiHeaders(res: ServerResponse, block: string): void {
  let status = 200;
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
    else res.setHeader(name, value);
  }
  res.writeHead(status);
}
