/** One file to put into a container. */
export interface UploadFile {
  /** Relative to the folder it is uploaded into; no `..`, no NUL. Parent folders are created. */
  path: string;
  /** Text is written as UTF-8. */
  content: string | Uint8Array;
  /** Permission bits; 0o644 unless given. */
  mode?: number;
  /** The file's group, by number; root's (0) unless given. Its owner is root. */
  gid?: number;
}

/** A file list that cannot be made into an archive; nothing was sent. */
export class UploadPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UploadPathError';
  }
}

const BLOCK = 512;
const encoder = new TextEncoder();

/**
 * The files as a tar archive (POSIX ustar; a pax header carries a path too long for ustar), each
 * a regular file owned by root (in root's group unless the file names another), under `prefix` (a
 * relative folder, empty for none). Throws UploadPathError for an absolute path, a `..` segment, a NUL, an empty path, a path given twice,
 * a mode outside 0-0o7777 or a group that is not a number.
 */
export function tarArchive(files: readonly UploadFile[], prefix = ''): Buffer {
  const seen = new Set<string>();
  const blocks: Uint8Array[] = [];
  const mtime = Math.floor(Date.now() / 1000);
  for (const file of files) {
    const path = [prefix, relativePath(file.path)].filter((p) => p !== '').join('/');
    if (seen.has(path)) throw new UploadPathError(`the upload names ${quote(file.path)} twice`);
    seen.add(path);
    const mode = file.mode ?? 0o644;
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) {
      throw new UploadPathError(`the mode of ${quote(file.path)} is not between 0 and 0o7777`);
    }
    const gid = file.gid ?? 0;
    if (!Number.isInteger(gid) || gid < 0 || gid > 0o7777777) {
      throw new UploadPathError(`the group of ${quote(file.path)} is not a group number`);
    }
    const content = typeof file.content === 'string' ? encoder.encode(file.content) : file.content;
    const name = encoder.encode(path);
    const split = ustarSplit(name);
    if (split === undefined) {
      const record = paxRecord('path', path);
      blocks.push(
        header({ name: paxName(path), mode: 0o644, size: record.length, mtime, type: 'x' }),
      );
      blocks.push(...padded(record));
    }
    const fields = split ?? { name: name.subarray(0, 100), prefix: new Uint8Array() };
    blocks.push(header({ ...fields, mode, gid, size: content.length, mtime, type: '0' }));
    blocks.push(...padded(content));
  }
  blocks.push(new Uint8Array(BLOCK * 2));
  return Buffer.concat(blocks);
}

/**
 * A container folder for the archive API: absolute, no `..`, no NUL. Returns it without
 * repeated or trailing slashes.
 */
export function containerFolder(dir: string): string {
  if (!dir.startsWith('/')) {
    throw new UploadPathError(`the folder ${quote(dir)} to upload into is not absolute`);
  }
  const segments = dir.split('/').filter((s) => s !== '' && s !== '.');
  if (dir.includes('\0') || segments.includes('..')) {
    throw new UploadPathError(`the folder ${quote(dir)} to upload into has a '..' or a NUL`);
  }
  return `/${segments.join('/')}`;
}

function relativePath(path: string): string {
  if (path.includes('\0')) throw new UploadPathError(`the upload path ${quote(path)} has a NUL`);
  if (path.startsWith('/')) {
    throw new UploadPathError(`the upload path ${quote(path)} is absolute; give it relative`);
  }
  const segments = path.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) {
    throw new UploadPathError(`the upload path ${quote(path)} leaves its folder with '..'`);
  }
  if (segments.length === 0) throw new UploadPathError(`the upload path ${quote(path)} is empty`);
  return segments.join('/');
}

/** The ustar name and prefix fields of `name`, or undefined when it does not fit them. */
function ustarSplit(name: Uint8Array): { name: Uint8Array; prefix: Uint8Array } | undefined {
  if (name.length <= 100) return { name, prefix: new Uint8Array() };
  const slash = 0x2f;
  for (let at = Math.min(name.length - 1, 155); at > 0; at--) {
    if (name[at] === slash && name.length - at - 1 <= 100) {
      return { name: name.subarray(at + 1), prefix: name.subarray(0, at) };
    }
  }
  return undefined;
}

interface Header {
  name: Uint8Array;
  prefix?: Uint8Array;
  mode: number;
  /** Group number; 0 (root) unless given. */
  gid?: number;
  size: number;
  mtime: number;
  type: '0' | 'x';
}

function header(fields: Header): Uint8Array {
  const block = new Uint8Array(BLOCK);
  block.set(fields.name.subarray(0, 100), 0);
  octal(block, 100, 8, fields.mode);
  octal(block, 108, 8, 0);
  octal(block, 116, 8, fields.gid ?? 0);
  octal(block, 124, 12, fields.size);
  octal(block, 136, 12, fields.mtime);
  block.fill(0x20, 148, 156);
  block[156] = fields.type.charCodeAt(0);
  block.set(encoder.encode('ustar\u000000'), 257);
  block.set(encoder.encode('root'), 265);
  // Another group's name is not known here: left empty, tools that extract by name use its number.
  if ((fields.gid ?? 0) === 0) block.set(encoder.encode('root'), 297);
  block.set((fields.prefix ?? new Uint8Array()).subarray(0, 155), 345);
  const sum = block.reduce((total, byte) => total + byte, 0);
  block.set(encoder.encode(`${sum.toString(8).padStart(6, '0')}\u0000 `), 148);
  return block;
}

/** `value` in octal, zero-padded, NUL-terminated, in the `length` bytes at `offset`. */
function octal(block: Uint8Array, offset: number, length: number, value: number): void {
  const text = value.toString(8).padStart(length - 1, '0');
  if (text.length > length - 1) throw new UploadPathError(`${value} does not fit a tar header`);
  block.set(encoder.encode(`${text}\u0000`), offset);
}

/** One pax record, `LEN key=value\n`, where LEN counts the whole record including itself. */
function paxRecord(key: string, value: string): Uint8Array {
  const body = encoder.encode(` ${key}=${value}\n`);
  let length = body.length + 1;
  while (String(length).length + body.length !== length) length++;
  return encoder.encode(`${String(length)} ${key}=${value}\n`);
}

function paxName(path: string): Uint8Array {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return encoder.encode(`PaxHeader/${base}`).subarray(0, 100);
}

function padded(bytes: Uint8Array): Uint8Array[] {
  const rest = bytes.length % BLOCK;
  return rest === 0 ? [bytes] : [bytes, new Uint8Array(BLOCK - rest)];
}

function quote(text: string): string {
  return JSON.stringify(text);
}
