import type { Problem } from '../environment/problem.js';
import { newDataKey, wrapDataKey } from './data-key.js';
import type { OpenedSopsFile } from './open-sops-file.js';
import { plainDocument } from './plain-document.js';
import { sealDocument } from './seal-document.js';
import { sopsTime } from './sops-time.js';
import { refusalProblems } from './sops-tree.js';

/**
 * An opened file encrypted again with a new data key: the same values and comments, new
 * ciphertexts, the new key encrypted to the same age recipients (or to `recipients` when given),
 * a new time and MAC. A file also encrypted to other key types (PGP, KMS, ...) is refused: their
 * entries could not be renewed.
 */
export async function rotateDataKey(
  opened: OpenedSopsFile,
  now: Date,
  recipients: readonly string[] = opened.sops.recipients.map((r) => r.recipient),
): Promise<{ ok: true; text: string } | { ok: false; problems: Problem[] }> {
  const { sops } = opened;
  if (sops.others.length > 0) {
    return {
      ok: false,
      problems: [
        {
          file: sops.file,
          ...sops.metadataAt,
          message: `the file is also encrypted to ${sops.others.join(', ')} keys, which dockstack cannot encrypt a new data key to`,
          hint: 'rotate it with sops itself, or encrypt it to age recipients only',
        },
      ],
    };
  }
  plainDocument(opened);
  const key = newDataKey();
  const sealed = sealDocument(sops.doc, {
    key,
    rules: sops.rules,
    recipients: await wrapDataKey(key, recipients),
    lastModified: sopsTime(now),
  });
  if (sealed.ok) return sealed;
  return {
    ok: false,
    problems: refusalProblems(sops.file, (offset) => sops.at(offset), sealed.refusals),
  };
}
