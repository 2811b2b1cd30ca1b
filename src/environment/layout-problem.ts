import type { Position } from './locate.js';
import { registeredSection } from './registered-section.js';
import { LayoutError } from './top-level-sections.js';

/** Why dockstack cannot write back into a file, at the place that shows it. */
export interface LayoutProblem extends Position {
  message: string;
  hint: string;
}

/**
 * Why `text` is not laid out as dockstack edits it (see registeredSection), or undefined when it
 * is: a file that validates must take `registered_services` back without a surprise.
 */
export function layoutProblem(text: string): LayoutProblem | undefined {
  try {
    registeredSection(text);
    return undefined;
  } catch (error) {
    if (!(error instanceof LayoutError)) throw error;
    const before = text.slice(0, error.offset);
    const lineStart = before.lastIndexOf('\n') + 1;
    return {
      line: before.split('\n').length,
      col: error.offset - lineStart + 1,
      message: `registered_services cannot be written back: ${error.reason}`,
      hint: 'write the file as env-repo-example/environment.yaml is: each top-level key (common:, services:, ...) at the start of its line, its value indented below it, no anchors shared between sections',
    };
  }
}
