import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

const MANIFEST_TYPE = 'application/vnd.docker.distribution.manifest.v2+json';

/** A tag whose manifest names a config blob the registry does not have. */
export const BROKEN_TAG = 'broken';

/** A registry on 127.0.0.1 serving a single one-layer image, enough for an engine to pull it. */
export interface TinyRegistry {
  /** `127.0.0.1:PORT`, the registry part of an image reference. */
  address: string;
  /** Paths the engines asked for, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * Serves `repository:tag` (no other) over plain HTTP on loopback. An engine treats 127.0.0.0/8
 * registries as insecure, so it pulls over HTTP without any configuration. The image holds one
 * file, /hello.
 */
export async function startTinyRegistry(repository: string, tag: string): Promise<TinyRegistry> {
  const tar = tarOf('hello', 'hello from the tiny registry\n');
  const layer = gzipSync(tar);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: {},
      rootfs: { type: 'layers', diff_ids: [digest(tar)] },
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST_TYPE,
      config: {
        mediaType: 'application/vnd.docker.container.image.v1+json',
        size: config.length,
        digest: digest(config),
      },
      layers: [
        {
          mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
          size: layer.length,
          digest: digest(layer),
        },
      ],
    }),
  );
  const blobs = new Map([
    [digest(config), config],
    [digest(layer), layer],
  ]);
  const missingConfig = Buffer.from(
    manifest.toString().replace(digest(config), digest(Buffer.from('no such config'))),
  );
  const manifests = new Map([
    [tag, manifest],
    [BROKEN_TAG, missingConfig],
  ]);
  const requests: string[] = [];

  const answer = (path: string): Answer => {
    if (path === '/v2/') return { status: 200, type: 'application/json', body: Buffer.from('{}') };
    const reference = new RegExp(`^/v2/${repository}/manifests/(.+)$`).exec(path)?.[1];
    const byDigest = [...manifests.values()].find((m) => digest(m) === reference);
    const served = reference === undefined ? undefined : (manifests.get(reference) ?? byDigest);
    if (served !== undefined) {
      const headers = { 'Docker-Content-Digest': digest(served) };
      return { status: 200, type: MANIFEST_TYPE, body: served, headers };
    }
    const blob = /^\/v2\/.+\/blobs\/(sha256:[0-9a-f]{64})$/.exec(path)?.[1];
    const body = blob === undefined ? undefined : blobs.get(blob);
    if (body !== undefined) return { status: 200, type: 'application/octet-stream', body };
    const unknown = { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] };
    return { status: 404, type: 'application/json', body: Buffer.from(JSON.stringify(unknown)) };
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    requests.push(path);
    const { status, type, body, headers } = answer(path);
    res.writeHead(status, {
      'Docker-Distribution-API-Version': 'registry/2.0',
      'Content-Type': type,
      'Content-Length': body.length,
      ...headers,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await listen(server);
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    requests,
    close: () => closeServer(server),
  };
}

interface Answer {
  status: number;
  type: string;
  body: Buffer;
  headers?: Record<string, string>;
}

function digest(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** A ustar archive holding one regular file. */
function tarOf(name: string, content: string): Buffer {
  const data = Buffer.from(content);
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100, 8, 'ascii');
  header.write('0000000\0', 108, 8, 'ascii');
  header.write('0000000\0', 116, 8, 'ascii');
  header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124, 12, 'ascii');
  header.write('00000000000\0', 136, 12, 'ascii');
  header.write('        ', 148, 8, 'ascii');
  header.write('0', 156, 1, 'ascii');
  header.write('ustar\0' + '00', 257, 8, 'ascii');
  const sum = header.reduce((total, byte) => total + byte, 0);
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([header, data, padding, Buffer.alloc(1024)]);
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => {
    server.close(() => {
      resolve();
    });
  });
}
