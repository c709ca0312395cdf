// Line numbers for messages, counted as editors count them: a line ends at LF, CRLF or a lone CR (a
// CRLF file counts each line once, a CR-only file has its lines). The table of line starts is built once
// per text: a slice and split up to every node a message names cost a file of 4,000 refusals four
// thousand copies of the text before each.

// A few texts' tables, oldest dropped first: one analysis asks of the file it checks and, in between, of the
// job or config files its evidence names; a single entry would be rebuilt at every switch. The cache
// holds its texts alive (a string is no weak key), so in a long-lived language server it is bounded by
// characters too: past KEPT_CHARS only the newest text stays.
const tables = new Map<string, Int32Array>();
const TABLES_KEPT = 8;
const KEPT_CHARS = 4_000_000;
let keptChars = 0;

/** Characters of the texts whose tables are kept (for tests). */
export function lineTableChars(): number {
  return keptChars;
}

function lineStartsOf(text: string): Int32Array {
  const known = tables.get(text);
  if (known) return known;
  const starts: number[] = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  const table = Int32Array.from(starts);
  for (const kept of tables.keys()) {
    if (tables.size < TABLES_KEPT && keptChars + text.length <= KEPT_CHARS) break;
    tables.delete(kept);
    keptChars -= kept.length;
  }
  tables.set(text, table);
  keptChars += text.length;
  return table;
}

/** The 1-based line of `offset` in `text` (an offset between the CR and LF of a pair is on the line they end). */
export function lineNumberAt(text: string, offset: number): number {
  const starts = lineStartsOf(text);
  // The last line start at or before the offset.
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** The first line break (LF, CR, LS, PS) at or after `from`, or -1. */
export function nextLineBreak(text: string, from: number): number {
  for (let i = Math.max(0, from); i < text.length; i++) if (isLineTerminator(text.charCodeAt(i))) return i;
  return -1;
}

/** A character the parser ends a line at: LF, CR, LS, PS. */
export function isLineTerminator(code: number): boolean {
  return code === 10 || code === 13 || code === 0x2028 || code === 0x2029;
}
