import {
  isCollection,
  isPair,
  isScalar,
  Scalar,
  type Document,
  type LineCounter,
  type YAMLError,
} from 'yaml';

import type { Problem } from './problem.js';

const HINTS: Partial<Record<YAMLError['code'], string>> = {
  TAB_AS_INDENT: 'indent with spaces',
  MULTIPLE_DOCS: 'keep one document in the file',
  NON_STRING_KEY:
    'write the key out as plain text: no alias (*name), tag (!!type), list or mapping',
};

/**
 * A YAML syntax problem, at the place it starts: an unclosed quote or flow collection is reported
 * where it opens (yaml reports it where the text runs out), with that place in the hint.
 */
export function yamlProblem(
  file: string,
  doc: Document,
  lineCounter: LineCounter,
  error: YAMLError,
): Problem {
  const message = `YAML: ${error.code === 'NON_STRING_KEY' ? 'a key must be text' : (error.message.split('\n')[0] ?? error.message)}`;
  const start = unclosedStart(doc, error);
  if (start !== undefined) {
    const end = lineCounter.linePos(error.pos[0]);
    const what =
      error.code === 'MISSING_CHAR' ? 'the quote opened here' : 'the bracket opened here';
    return {
      file,
      ...lineCounter.linePos(start),
      message,
      hint: `${what} is still open at line ${end.line}: close it where the value should end`,
    };
  }
  const problem: Problem = { file, ...lineCounter.linePos(error.pos[0]), message };
  const hint = HINTS[error.code];
  return hint === undefined ? problem : { ...problem, hint };
}

/**
 * Where the quoted scalar or flow collection that yaml found unclosed begins: the outermost one
 * ending where the error is.
 */
function unclosedStart(doc: Document, error: YAMLError): number | undefined {
  const quote = error.code === 'MISSING_CHAR' && error.message.startsWith('Missing closing');
  const flow =
    error.code === 'BAD_INDENT' && /^Flow (sequence|map) .* end with/.test(error.message);
  if (!quote && !flow) return undefined;
  const end = error.pos[0];
  let start: number | undefined;
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isPair(node)) {
      stack.push(node.key, node.value);
      continue;
    }
    const range = isScalar(node) || isCollection(node) ? node.range : undefined;
    if (range == null || range[0] > end || range[1] < end) continue;
    const match = quote
      ? isScalar(node) && (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE)
      : isCollection(node) && node.flow === true;
    if (match && range[1] === end && (start === undefined || range[0] < start)) start = range[0];
    if (isCollection(node)) for (const item of node.items) stack.push(item);
  }
  return start;
}
