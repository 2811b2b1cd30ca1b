/** One line of a text, by offsets. */
export interface SourceLine {
  /** Offset of the line's first character. */
  start: number;
  /** Offset just after its last character, before the line break. */
  end: number;
  /** Offset of the next line (after the line break), or the text's length. */
  next: number;
  /** Spaces before the first other character; -1 on a blank line. */
  indent: number;
  kind: 'blank' | 'comment' | 'content';
}

/** The lines of `text`, `\n` or `\r\n` ended, the last one with or without a line break. */
export function sourceLines(text: string): SourceLine[] {
  const lines: SourceLine[] = [];
  for (let start = 0; start < text.length;) {
    const newline = text.indexOf('\n', start);
    const next = newline === -1 ? text.length : newline + 1;
    const end = newline === -1 ? text.length : newline - (text[newline - 1] === '\r' ? 1 : 0);
    const line = text.slice(start, end);
    const first = line.search(/[^ \t]/);
    lines.push({
      start,
      end,
      next,
      indent: first === -1 ? -1 : line.search(/[^ ]/),
      kind: first === -1 ? 'blank' : line[first] === '#' ? 'comment' : 'content',
    });
    start = next;
  }
  return lines;
}

/** Index of the line holding `offset` (the last line for the text's end). */
export function lineIndexAt(lines: readonly SourceLine[], offset: number): number {
  let low = 0;
  let high = lines.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((lines[middle] as SourceLine).start <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}
