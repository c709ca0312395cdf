// A source file read for a rewrite and written back as it was stored: the same text the analysis
// reads (readSourceFile: a byte-order mark is not part of it), and on the way back the same mark and
// encoding. Line endings are the rewrite's business (it keeps the file's own).
import { readFileSync } from 'node:fs';
import { readSourceFile } from '../workspace/scan';

export type Encoding = 'utf8' | 'utf8-bom' | 'utf16le' | 'utf16be' | 'latin1';

export type StoredText = { ok: true; text: string; bytes: Buffer; encoding: Encoding } | { ok: false; message: string };

export function readStoredText(path: string): StoredText {
  const read = readSourceFile(path);
  if (!read.ok) return read;
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    return { ok: false, message: `could not be read: ${(err as Error).message}` };
  }
  return { ok: true, text: read.text, bytes, encoding: encodingOf(bytes) };
}

/** How readSourceFile decoded these bytes. */
export function encodingOf(bytes: Buffer): Encoding {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf16be';
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf8-bom';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return 'utf8';
  } catch {
    return 'latin1';
  }
}

/** The text in `encoding`, or null when it holds characters that encoding cannot store. */
export function encodeText(text: string, encoding: Encoding): Buffer | null {
  switch (encoding) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'utf8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf16be':
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    case 'latin1':
      return /[^\u0000-\u00ff]/.test(text) ? null : Buffer.from(text, 'latin1');
  }
}
