import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** A JSON Schema object of the description (OpenAPI 3.0 flavour: `nullable`, `$ref`s). */
export type OpenApiSchema = Record<string, unknown>;

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: OpenApiSchema;
  'x-multi-segment'?: boolean;
}

export interface OpenApiOperation {
  operationId: string;
  parameters?: (OpenApiParameter | { $ref: string })[];
  requestBody?: {
    required?: boolean;
    content: Record<string, { schema?: OpenApiSchema }>;
  };
}

export type OpenApiMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Partial<Record<OpenApiMethod, OpenApiOperation>>>;
  components: Record<string, Record<string, unknown>>;
}

let loaded: OpenApiDocument | undefined;

/**
 * GitHub's published REST description of api.github.com (`@octokit/openapi`), read on first use
 * and kept for the rest of the process (13 MB of JSON).
 */
export function githubOpenApi(): OpenApiDocument {
  if (loaded === undefined) {
    const file = createRequire(import.meta.url).resolve(
      '@octokit/openapi/generated/api.github.com.json',
    );
    const document = JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;
    if (!document.openapi.startsWith('3.0.')) {
      throw new Error(`expected an OpenAPI 3.0 description, got ${document.openapi}`);
    }
    loaded = document;
  }
  return loaded;
}

/** The object a local `$ref` (`#/components/...`) points at. */
export function resolveRef(document: OpenApiDocument, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
  let node: unknown = document;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null || !(key in node)) {
      throw new Error(`dangling $ref ${ref}`);
    }
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
