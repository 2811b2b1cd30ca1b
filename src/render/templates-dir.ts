/**
 * The repository's `templates/` folder. This module sits two levels below the repository root both
 * as `src/render/*.ts` (tsx) and as `dist/render/*.js` (built), so one relative URL serves both.
 */
export const TEMPLATES_DIR: URL = new URL('../../templates/', import.meta.url);
