import { LineCounter, parseDocument, type Document } from 'yaml';

import { decodeSource, type SourceRefusal } from '../environment/decode-source.js';
import type { Problem } from '../environment/problem.js';
import { yamlProblem } from '../environment/yaml-problem.js';
import type { EncryptionRules } from './encryption-rules.js';
import { readMetadata, SopsMetadata, type AgeRecipientEntry } from './sops-metadata.js';
import { sopsTree, type SopsTree } from './sops-tree.js';
import { refusalProblems } from './sops-tree.js';

/** A secrets file is a few kilobytes; larger ones are refused before parsing. */
export const MAX_SECRETS_BYTES = 1024 * 1024;

/** A SOPS file read, not decrypted: its document, values and metadata. */
export interface SopsFile {
  file: string;
  doc: Document;
  tree: SopsTree;
  metadata: SopsMetadata;
  recipients: AgeRecipientEntry[];
  rules: EncryptionRules;
  /** Key types other than age the file is also encrypted to (`pgp`, `kms`, ...). */
  others: string[];
  /** Line and column of an offset in the text. */
  at(offset: number): { line: number; col: number };
  /** Where the `sops:` block is, for problems about keys. */
  metadataAt: { line: number; col: number };
}

export type SopsFileReading = { ok: true; sops: SopsFile } | { ok: false; problems: Problem[] };

/** Parses YAML text the way a SOPS file is read: comments kept, keys as text. */
export function parseSopsDocument(text: string, lineCounter = new LineCounter()): Document {
  return parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
}

/**
 * An encrypted file's document, values and metadata, or every problem with its form: not YAML,
 * no `sops:` block (not encrypted), a metadata field that is wrong, a layout sops would not write.
 * Needs no key; problems name places and fields, never a value.
 */
export function readSopsFile(source: string | Uint8Array, file: string): SopsFileReading {
  const decoded = decodeSource(source, MAX_SECRETS_BYTES);
  if (!('text' in decoded)) return { ok: false, problems: [refusal(file, decoded)] };
  const lineCounter = new LineCounter();
  const doc = parseSopsDocument(decoded.text, lineCounter);
  const errors = [...doc.errors, ...doc.warnings];
  if (errors.length > 0) {
    return { ok: false, problems: errors.map((e) => yamlProblem(file, doc, lineCounter, e)) };
  }
  const at = (offset: number) => lineCounter.linePos(offset);
  const tree = sopsTree(doc);
  const problems = refusalProblems(file, at, tree.refusals);
  if (tree.metadata === undefined) {
    problems.push({
      file,
      line: 1,
      col: 1,
      message: 'no sops metadata: the file is not encrypted',
      hint: `encrypt it: dockstack secrets encrypt --in-place ${file}`,
    });
    return { ok: false, problems };
  }
  const metadataAt = at(tree.metadata.range?.[0] ?? 0);
  const parsed = SopsMetadata.safeParse(tree.metadata.toJSON());
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push({
        file,
        ...metadataAt,
        message: `sops.${issue.path.join('.')}: ${issue.message}`,
        hint: 'the sops block is written by sops or dockstack secrets: take it from git again',
      });
    }
    return { ok: false, problems };
  }
  const reading = readMetadata(parsed.data);
  if (!reading.ok) {
    problems.push({ file, ...metadataAt, message: reading.message, hint: reading.hint });
  }
  if (problems.length > 0 || !reading.ok) return { ok: false, problems };
  return {
    ok: true,
    sops: {
      file,
      doc,
      tree,
      metadata: parsed.data,
      recipients: reading.recipients,
      rules: reading.rules,
      others: reading.others,
      at,
      metadataAt,
    },
  };
}

function refusal(file: string, refused: SourceRefusal): Problem {
  const hint = refused.hint.replace(
    'start from env-repo-example/environment.yaml',
    'a secrets file holds a mapping of encrypted values',
  );
  return { file, line: refused.line, col: refused.col, message: refused.message, hint };
}
