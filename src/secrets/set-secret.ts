import { isCollection, isMap } from 'yaml';

import type { Problem } from '../environment/problem.js';
import type { OpenedSopsFile } from './open-sops-file.js';
import { plainDocument } from './plain-document.js';
import { sealDocument } from './seal-document.js';
import { sopsTime } from './sops-time.js';
import { refusalProblems } from './sops-tree.js';

/**
 * An opened file with the value at `path` set to `value` (a string), encrypted with the same
 * data key: the other values and comments keep their ciphertext, the time and the MAC are new,
 * the rest of the `sops` block is kept. `path` may name a new key; it may not go through a value
 * or list.
 */
export function setSecret(
  opened: OpenedSopsFile,
  path: readonly string[],
  value: string,
  now: Date,
): { ok: true; text: string } | { ok: false; problems: Problem[] } {
  const { sops } = opened;
  const metadata = sops.tree.metadata;
  const refuse = (message: string, hint: string) => ({
    ok: false as const,
    problems: [{ file: sops.file, line: 1, col: 1, message, hint }],
  });
  if (path.length === 0 || path[0] === 'sops') {
    return refuse(
      `cannot set '${path.join('.')}'`,
      'name a key of the file, such as common.galera_password',
    );
  }
  for (let i = 1; i <= path.length; i++) {
    const at: unknown = sops.doc.getIn(path.slice(0, i), true);
    if (at === undefined) break;
    if (i < path.length ? !isMap(at) : isCollection(at)) {
      return refuse(
        `${path.slice(0, i).join('.')} is ${i < path.length ? 'a value, not a mapping' : 'a list or mapping, not a value'}`,
        'name a key whose value is text',
      );
    }
  }
  const stash = plainDocument(opened);
  sops.doc.setIn(path, sops.doc.createNode(value));
  const sealed = sealDocument(sops.doc, {
    key: opened.key,
    rules: sops.rules,
    recipients: sops.recipients,
    lastModified: sopsTime(now),
    stash,
    ...(isMap(metadata) ? { metadata: metadata } : {}),
  });
  if (sealed.ok) return sealed;
  return {
    ok: false,
    problems: refusalProblems(sops.file, (offset) => sops.at(offset), sealed.refusals),
  };
}
