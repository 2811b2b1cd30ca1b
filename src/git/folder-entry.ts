import { GitError } from './git-error.js';
import { checkPath } from './git-input.js';

/**
 * Where a tree entry listed under `folder` lies below it: its path there, or why it is refused.
 * git lists `folder/...` paths; a crafted tree can still hold entries named `..`, `.` or `.git`,
 * an empty or absolute path, or control characters, which would lead a reader outside the folder
 * or astray. Those are refused, so the paths a folder's reader gets are normal: relative,
 * "/"-separated, every component a plain name.
 */
export function folderEntry(
  folder: string,
  entryPath: string,
): { path: string; refused?: undefined } | { refused: string } {
  if (!entryPath.startsWith(`${folder}/`)) return { refused: `it is not under ${folder}` };
  try {
    checkPath(entryPath);
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    return { refused: error.message.replace(/^path .* refused: /, '') };
  }
  return { path: entryPath.slice(folder.length + 1) };
}
