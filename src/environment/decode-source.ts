import type { Position } from './locate.js';

/** Why a file cannot be read as YAML text at all, at the place that shows it. */
export interface SourceRefusal extends Position {
  message: string;
  hint: string;
}

/**
 * The text of an environment file, or why it is refused before parsing: larger than `maxBytes`,
 * not UTF-8, holding control characters, lines ended by a carriage return alone, or empty.
 */
export function decodeSource(
  source: string | Uint8Array,
  maxBytes: number,
): { text: string } | SourceRefusal {
  const size = typeof source === 'string' ? Buffer.byteLength(source) : source.byteLength;
  if (size > maxBytes) {
    // A caller may pass only the first maxBytes + 1 bytes of a larger file: the size seen here
    // is then not the file's, so the message names the limit only.
    return {
      line: 1,
      col: 1,
      message: `file is larger than the ${formatBytes(maxBytes)} limit`,
      hint: `the limit is ${maxBytes} bytes; an environment file is a few kilobytes: is this the right file?`,
    };
  }
  let text: string;
  try {
    text =
      typeof source === 'string'
        ? source
        : new TextDecoder('utf-8', { fatal: true }).decode(source);
  } catch {
    return {
      line: 1,
      col: 1,
      message: 'file is not UTF-8 text',
      hint: 'save it as UTF-8; is this the right file?',
    };
  }
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  const control = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.exec(text);
  if (control !== null) {
    const code = control[0].charCodeAt(0).toString(16).padStart(4, '0');
    return {
      ...positionAt(text, control.index),
      message: `control character U+${code} in the file`,
      hint: 'binary data cannot be an environment file; YAML escapes like "\\t" go inside double quotes',
    };
  }
  const loneCr = text.search(/\r(?!\n)/);
  if (loneCr !== -1) {
    const count = text.match(/\r(?!\n)/g)?.length ?? 1;
    return {
      ...positionAt(text, loneCr),
      message: `${count === 1 ? 'a line ends' : `${count} lines end`} with a carriage return (CR) alone, the first here`,
      hint: 'dockstack reads LF or CR LF line endings: convert the file with mac2unix or the line-ending setting of your editor',
    };
  }
  if (!/^[ \t\r\uFEFF]*[^ \t\r\n#\uFEFF]/m.test(text)) {
    return {
      line: 1,
      col: 1,
      message: 'file is empty',
      hint: 'start from env-repo-example/environment.yaml',
    };
  }
  return { text };
}

/** The 1-based line and column of `offset`, lines ended by LF. */
function positionAt(text: string, offset: number): Position {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}

function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? `${mib} MB` : `${bytes}-byte`;
}
