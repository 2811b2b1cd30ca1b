import { isMap, Scalar } from 'yaml';

import { additionalDataOf } from './encryption-rules.js';
import type { OpenedSopsFile } from './open-sops-file.js';
import { yamlValueOf } from './sops-scalar.js';
import { SOPS_KEY } from './sops-tree.js';
import { decryptValue, ivOf, type SopsScalar } from './sops-value.js';

/**
 * The IVs of a file's values and comments, by additional data, type and plain text: encrypting
 * the same text at the same place again with the same data key reuses its IV, so what did not
 * change keeps its ciphertext (sops keeps a stash the same way).
 */
export type IvStash = Map<string, Uint8Array>;

export function stashKey(additionalData: string, value: SopsScalar): string {
  return `${additionalData}\u0000${value.type}\u0000${value.text}`;
}

/**
 * Turns an opened file's document into its plain form, in place: every value decrypted, every
 * encrypted comment line decrypted (one that does not decrypt is left as it is, as sops does),
 * the `sops` block removed. Returns the IVs the values were encrypted with.
 */
export function plainDocument(opened: OpenedSopsFile): IvStash {
  const stash: IvStash = new Map();
  for (const { path, value, node, encrypted } of opened.values) {
    if (!encrypted) continue;
    const iv = ivOf(String(node.value));
    if (iv !== undefined) stash.set(stashKey(additionalDataOf(path), value), iv);
    node.value = yamlValueOf(value);
    if (value.type === 'str' && value.text.includes('\n')) node.type = Scalar.BLOCK_LITERAL;
    else delete node.type;
    delete node.source;
  }
  for (const slot of opened.sops.tree.comments) {
    const text = slot.owner[slot.field];
    if (typeof text !== 'string') continue;
    slot.owner[slot.field] = text
      .split('\n')
      .map((line) => {
        for (const path of slot.paths) {
          const ad = additionalDataOf(path);
          const plain = decryptValue(line, opened.key, ad);
          if (!('reason' in plain) && plain.type === 'comment') {
            const iv = ivOf(line);
            if (iv !== undefined) stash.set(stashKey(ad, plain), iv);
            return plain.text;
          }
        }
        return line;
      })
      .join('\n');
  }
  const top = opened.sops.doc.contents;
  if (isMap(top)) top.delete(SOPS_KEY);
  return stash;
}
