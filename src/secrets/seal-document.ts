import { isMap, Scalar, YAMLMap, type Document } from 'yaml';

import {
  additionalDataOf,
  DEFAULT_UNENCRYPTED_SUFFIX,
  isEncryptedPath,
  RULE_FIELDS,
  type EncryptionRules,
} from './encryption-rules.js';
import { stashKey, type IvStash } from './plain-document.js';
import type { AgeRecipientEntry } from './sops-metadata.js';
import { sopsMac, type MacInput } from './sops-mac.js';
import { sopsScalarOf } from './sops-scalar.js';
import { SOPS_KEY, sopsTree, type TreeRefusal } from './sops-tree.js';
import { encryptValue, isEncryptedValue, type SopsScalar } from './sops-value.js';

/**
 * The sops format level dockstack writes: what sops 3.7.3 writes for age recipients, so that
 * every sops from 3.7 on reads it.
 */
export const SOPS_FORMAT_VERSION = '3.7.3';

/** How many spaces sops indents its YAML with. */
export const SOPS_INDENT = 4;

export interface SealInput {
  key: Uint8Array;
  rules: EncryptionRules;
  recipients: readonly AgeRecipientEntry[];
  lastModified: string;
  /** IVs to reuse for values and comments that did not change (see plainDocument). */
  stash?: IvStash;
  /**
   * The file's own `sops` block, kept as it is but for its time and MAC (the data key is the
   * same, so are its entries, of every key type); a new block for age recipients unless given.
   */
  metadata?: YAMLMap;
}

/**
 * Encrypts a plain document in place as sops does (each value bound to its path, each comment
 * line too, the MAC over the plain values bound to the time) and adds the `sops` block with the
 * data key's age entries. Returns the text, or the places whose form sops would not write.
 */
export function sealDocument(
  doc: Document,
  input: SealInput,
): { ok: true; text: string } | { ok: false; refusals: TreeRefusal[] } {
  if (doc.contents === null) doc.contents = new YAMLMap();
  const tree = sopsTree(doc);
  if (tree.refusals.length > 0) return { ok: false, refusals: tree.refusals };
  if (tree.metadata !== undefined) {
    return {
      ok: false,
      refusals: [
        {
          offset: tree.metadata.range?.[0] ?? 0,
          message: 'the file already has a sops block: it is encrypted',
          hint: 'decrypt it first, or change a value with dockstack secrets set',
        },
      ],
    };
  }
  const encrypt = (value: SopsScalar, ad: string) =>
    encryptValue(value, input.key, ad, input.stash?.get(stashKey(ad, value)));
  const macInputs: MacInput[] = [];
  for (const { path, node } of tree.leaves) {
    const value = sopsScalarOf(node);
    if (value === undefined) continue;
    macInputs.push({ path, value });
    if (!isEncryptedPath(path, input.rules)) continue;
    node.value = encrypt(value, additionalDataOf(path));
    node.type = Scalar.PLAIN;
    delete node.source;
  }
  for (const slot of tree.comments) {
    const text = slot.owner[slot.field];
    const ad = additionalDataOf(slot.paths[0] ?? []);
    if (typeof text !== 'string') continue;
    slot.owner[slot.field] = text
      .split('\n')
      .map((line) =>
        line === '' || isEncryptedValue(line) ? line : encrypt({ type: 'comment', text: line }, ad),
      )
      .join('\n');
  }
  const mac = encryptValue(
    { type: 'str', text: sopsMac(macInputs, input.rules) },
    input.key,
    input.lastModified,
  );
  const top = doc.contents;
  if (!isMap(top)) {
    return {
      ok: false,
      refusals: [
        {
          offset: 0,
          message: 'the document is not a mapping',
          hint: 'a SOPS file is a mapping of keys',
        },
      ],
    };
  }
  if (input.metadata === undefined) {
    top.set(SOPS_KEY, metadataNode(doc, input, mac));
  } else {
    input.metadata.set('lastmodified', quoted(input.lastModified));
    input.metadata.set('mac', mac);
    top.set(SOPS_KEY, input.metadata);
  }
  return { ok: true, text: sopsText(doc) };
}

/** The `sops` block as sops writes it for age recipients. */
export function metadataNode(doc: Document, input: SealInput, mac: string): YAMLMap {
  const block = new YAMLMap();
  block.set('age', ageEntriesNode(doc, input.recipients));
  block.set('lastmodified', quoted(input.lastModified));
  block.set('mac', mac);
  const rules = input.rules;
  let ruled = false;
  for (const [field, name] of Object.entries(RULE_FIELDS)) {
    const value = rules[field as keyof typeof RULE_FIELDS];
    if (value !== undefined && value !== '') {
      block.set(name, value);
      ruled = true;
    }
  }
  if (!ruled) block.set('unencrypted_suffix', DEFAULT_UNENCRYPTED_SUFFIX);
  block.set('version', SOPS_FORMAT_VERSION);
  return block;
}

/** The `age:` entries, each encrypted data key as a literal block. */
export function ageEntriesNode(doc: Document, recipients: readonly AgeRecipientEntry[]): unknown {
  return doc.createNode(
    recipients.map((entry) => {
      const enc = new Scalar(entry.enc.endsWith('\n') ? entry.enc : `${entry.enc}\n`);
      enc.type = Scalar.BLOCK_LITERAL;
      const map = new YAMLMap();
      map.set('recipient', entry.recipient);
      map.set('enc', enc);
      return map;
    }),
  );
}

/** A time in quotes, as sops writes it: unquoted, YAML 1.1 readers take it for a timestamp. */
function quoted(text: string): Scalar {
  const scalar = new Scalar(text);
  scalar.type = Scalar.QUOTE_DOUBLE;
  return scalar;
}

/** A document as sops lays YAML out: four spaces of indent, long lines kept whole. */
export function sopsText(doc: Document): string {
  return doc.toString({ indent: SOPS_INDENT, lineWidth: 0, minContentWidth: 0 });
}
