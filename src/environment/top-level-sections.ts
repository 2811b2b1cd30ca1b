/** One key of the top-level block mapping and the lines that belong to it. */
export interface TopLevelSection {
  /** The key, without its quotes (escapes in a double-quoted key are left as written). */
  key: string;
  /** Offset of the start of the key's line. */
  start: number;
  /**
   * Offset of the end of the section's last line, before its line break: the last line, up to the
   * next key, that is indented or continues the value at column 0 (`- item`, a closing `]` or `}`).
   * Blank lines and column-0 comments after it belong to no section.
   */
  end: number;
  /** Indentation of the value's first line when that line is a mapping key (a block mapping). */
  childColumn?: number;
}

/** A file whose layout is not the one dockstack edits, at the offset that shows it. */
export class LayoutError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    /** What is wrong there, without the place. */
    readonly reason = message,
  ) {
    super(message);
    this.name = 'LayoutError';
  }
}

const PLAIN_KEY = String.raw`(?:[^\s#'"{}[\],&*!|>%@\x60?:-]|[?:-]\S).*?`;
const KEY_LINE = new RegExp(
  String.raw`^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|(${PLAIN_KEY}))[ \t]*:(?:[ \t]|$)`,
);

/**
 * The sections of a YAML file whose top level is a block mapping at column 0, found from its lines
 * alone: the file is not parsed, so a large file costs one pass over its lines. Stops at the end
 * of the first document. Throws a LayoutError on a top-level line that is not a key of such a
 * mapping.
 */
export function topLevelSections(text: string): TopLevelSection[] {
  const sections: TopLevelSection[] = [];
  let current: TopLevelSection | undefined;
  /** The current section has a value on its key's line or already a line of its value. */
  let valueSeen = false;
  let lineNumber = 0;
  for (let next = text.startsWith('\uFEFF') ? 1 : 0; next < text.length;) {
    lineNumber++;
    const start = next;
    const newline = text.indexOf('\n', start);
    next = newline === -1 ? text.length : newline + 1;
    const end = newline === -1 ? text.length : newline - (text[newline - 1] === '\r' ? 1 : 0);
    const line = text.slice(start, end);
    const indent = line.search(/[^ \t]/);
    const comment = indent !== -1 && line[indent] === '#';

    if (indent === -1 || (indent === 0 && comment)) continue;
    if (current === undefined) {
      if (comment || (indent === 0 && /^(---([ \t]|$)|%)/.test(line))) continue;
    } else if (indent > 0 || /^(-([ \t]|$)|[}\]])/.test(line)) {
      current.end = end;
      if (!comment && !valueSeen && indent > 0 && KEY_LINE.test(line.slice(indent))) {
        current.childColumn = indent;
      }
      valueSeen ||= !comment;
      continue;
    }
    if (/^(---|\.\.\.)([ \t]|$)/.test(line)) break;
    const key = KEY_LINE.exec(line);
    if (indent > 0 || key === null) throw notTopLevel(lineNumber, start);
    current = { key: keyName(key), start, end };
    valueSeen = !/^[ \t]*(#.*)?$/.test(line.slice(key[0].length));
    sections.push(current);
  }
  return sections;
}

function keyName([, doubleQuoted, singleQuoted, plain]: RegExpExecArray): string {
  if (singleQuoted !== undefined) return singleQuoted.replaceAll("''", "'");
  return (doubleQuoted ?? plain ?? '').trimEnd();
}

function notTopLevel(line: number, offset: number): LayoutError {
  const reason = 'not a key of a top-level block mapping at column 0';
  return new LayoutError(
    `line ${line}: ${reason}, the only layout dockstack edits`,
    offset,
    reason,
  );
}
