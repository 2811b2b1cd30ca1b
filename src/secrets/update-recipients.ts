import { isMap, isSeq } from 'yaml';

import type { Problem } from '../environment/problem.js';
import { wrapDataKey } from './data-key.js';
import type { OpenedSopsFile } from './open-sops-file.js';
import { ageEntriesNode, sopsText } from './seal-document.js';

/**
 * An opened file with its data key encrypted to `recipients` instead of its age recipients, as
 * `sops updatekeys` does: values, MAC and time stay as they are. Recipients no longer listed lose
 * access to later versions of the file (not to those in git history: rotate the data key and the
 * secrets for that).
 */
export async function updateRecipients(
  opened: OpenedSopsFile,
  recipients: readonly string[],
): Promise<
  | { ok: true; text: string; added: string[]; removed: string[] }
  | { ok: false; problems: Problem[] }
> {
  const { sops } = opened;
  const block = sops.tree.metadata;
  if (!isMap(block)) {
    return {
      ok: false,
      problems: [
        {
          file: sops.file,
          ...sops.metadataAt,
          message: 'the sops block is not a mapping',
          hint: 'take the file from git again',
        },
      ],
    };
  }
  const before = sops.recipients.map((r) => r.recipient);
  const entries = ageEntriesNode(sops.doc, await wrapDataKey(opened.key, recipients));
  const groups = block.get('key_groups', true);
  const group = isSeq(groups) ? groups.items[0] : undefined;
  if (isMap(group)) group.set('age', entries);
  else block.set('age', entries);
  return {
    ok: true,
    text: sopsText(sops.doc),
    added: recipients.filter((r) => !before.includes(r)),
    removed: before.filter((r) => !recipients.includes(r)),
  };
}
