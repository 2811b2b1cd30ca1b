import { resolveRef, type OpenApiDocument, type OpenApiSchema } from './openapi-document.js';

/** Keywords whose value is one schema. */
const ONE = new Set(['items', 'not', 'additionalProperties', 'additionalItems']);
/** Keywords whose value is a list of schemas, each checked against the same value. */
const BRANCHES = new Set(['allOf', 'anyOf', 'oneOf']);
/** Keywords whose value maps names to schemas. */
const MAP = new Set(['properties', 'patternProperties']);
/** Annotations a validator does not need (and whose contents may hold stray `$ref`s). */
const DROP = new Set(['description', 'example', 'examples', 'externalDocs', 'discriminator']);

/**
 * An OpenAPI 3.0 schema as a self-contained JSON Schema (draft 2019-09) for ajv: every `$ref` it
 * reaches in the description is copied under `$defs`, and `nullable: true` becomes an explicit
 * `null` type (added to an `enum` too, as GitHub means it).
 *
 * With `closed`, an object schema that lists its `properties` and says nothing of others refuses
 * undeclared ones (`unevaluatedProperties: false`, so properties declared by its `allOf`/`oneOf`
 * branches count): GitHub ignores a property it does not know, which in a client is a mistake.
 */
export function toJsonSchema(
  document: OpenApiDocument,
  schema: OpenApiSchema,
  closed = false,
): OpenApiSchema {
  const $defs: Record<string, unknown> = {};

  /** `closable`: false in a branch, whose siblings may declare the rest of the object. */
  const convert = (node: unknown, closable: boolean): unknown => {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return node;
    const source = node as OpenApiSchema;
    if (typeof source.$ref === 'string')
      return { $ref: `#/$defs/${define(source.$ref, closable)}` };
    const out: OpenApiSchema = {};
    for (const [key, value] of Object.entries(source)) {
      if (DROP.has(key) || key.startsWith('x-') || key === 'nullable') continue;
      if (ONE.has(key)) out[key] = convert(value, closed);
      else if (BRANCHES.has(key) && Array.isArray(value)) {
        out[key] = value.map((branch) => convert(branch, false));
      } else if (MAP.has(key) && typeof value === 'object' && value !== null) {
        out[key] = Object.fromEntries(
          Object.entries(value).map(([name, sub]) => [name, convert(sub, closed)]),
        );
      } else out[key] = value;
    }
    if (closable && isOpenObject(out)) out.unevaluatedProperties = false;
    return source.nullable === true ? allowNull(out) : out;
  };

  const define = (ref: string, closable: boolean): string => {
    const name = ref.replace(/^#\//, '').replace(/\//g, '.') + (closable ? '' : '.open');
    if (!(name in $defs)) {
      $defs[name] = true;
      $defs[name] = convert(resolveRef(document, ref), closable);
    }
    return name;
  };

  const root = convert(schema, closed) as OpenApiSchema;
  return { ...root, $defs };
}

function isOpenObject(schema: OpenApiSchema): boolean {
  return (
    schema.properties !== undefined &&
    schema.additionalProperties === undefined &&
    schema.patternProperties === undefined
  );
}

function allowNull(schema: OpenApiSchema): OpenApiSchema {
  if (typeof schema.type !== 'string') return { anyOf: [schema, { type: 'null' }] };
  const out: OpenApiSchema = { ...schema, type: [schema.type, 'null'] };
  const values = schema.enum as unknown[] | undefined;
  if (values !== undefined && !values.includes(null)) out.enum = [...values, null];
  return out;
}
