/**
 * The repository's `templates/` folder. This module sits two levels below the repository root both
 * as `src/render/*.ts` (tsx) and as `dist/render/*.js` (built), so one relative URL serves both.
 */
export const TEMPLATES_DIR: URL = new URL('../../templates/', import.meta.url);

/** The URL of a file in `templates/`. */
export function templateUrl(name: string): URL {
  return new URL(name, TEMPLATES_DIR);
}
