import type { Options } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * An ajv (draft 2019-09) for the schemas `toJsonSchema` makes: every problem at once, OpenAPI's extra keywords
 * and annotations ignored (`strict: false`), `date-time`, `date` and `uri` checked, the number
 * formats (`int64`, ...) and GitHub's own (`repo.nwo`) accepted as they come. With `coerce`,
 * strings become the numbers, booleans and arrays a schema asks for: parameters arrive as text.
 */
export function createOpenApiAjv(coerce: boolean): Ajv2019 {
  const options: Options = {
    allErrors: true,
    strict: false,
    logger: false,
    validateSchema: false,
    formats: {
      'date-time': DATE_TIME,
      date: /^\d{4}-\d{2}-\d{2}$/,
      uri: (value: string) => URL.canParse(value),
      int32: true,
      int64: true,
      double: true,
      float: true,
      binary: true,
      'repo.nwo': true,
    },
  };
  if (coerce) options.coerceTypes = 'array';
  return new Ajv2019(options);
}
