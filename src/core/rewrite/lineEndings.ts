// Rewrites are planned on text with '\n' line breaks; a file with CRLF or CR-only breaks is seen
// through an LF view, and the edits come back in the file's own offsets and line endings. One place
// for every strategy, so none of them has to know.

export type LineEnding = '\n' | '\r\n' | '\r';

/** The file's line ending: the most frequent one ('\n' for a file without breaks, and on a tie). */
export function lineEndingOf(text: string): LineEnding {
  let crlf = 0;
  let cr = 0;
  let lf = 0;
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) {
    if (text.charCodeAt(i + 1) === 10) crlf++;
    else cr++;
  }
  if (crlf === 0 && cr === 0) return '\n';
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lf++;
  lf -= crlf;
  if (crlf > lf && crlf >= cr) return '\r\n';
  if (cr > lf && cr > crlf) return '\r';
  return '\n';
}

/** JavaScript's line terminators: LF, CR, LINE SEPARATOR and PARAGRAPH SEPARATOR (CRLF ends in LF). */
function isTerminator(code: number): boolean {
  return code === 10 || code === 13 || code === 0x2028 || code === 0x2029;
}

/** Where the line holding `offset` starts: just after the nearest line terminator before it, or 0. */
export function lineStartOf(text: string, offset: number): number {
  for (let i = offset - 1; i >= 0; i--) if (isTerminator(text.charCodeAt(i))) return i + 1;
  return 0;
}

/**
 * The range a statement takes up when it goes: from the line break before it when nothing but blanks
 * come between (its line goes with it), else from its own start (the code before it on its line stays).
 */
export function statementRemoval(text: string, range: readonly [number, number]): [number, number] {
  const start = lineStartOf(text, range[0]);
  return start > 0 && /^[ \t]*$/.test(text.slice(start, range[0])) ? [start - 1, range[1]] : [range[0], range[1]];
}

/** `s` with every line break (LF, CRLF or CR) written as `eol`. */
export function withLineEnding(s: string, eol: LineEnding): string {
  return s.replace(/\r\n|\r|\n/g, eol);
}

/** Whether two texts are the same but for their line endings. */
export function sameButLineEndings(a: string, b: string): boolean {
  return a === b || withLineEnding(a, '\n') === withLineEnding(b, '\n');
}

/** The text with '\n' breaks, and the maps between its offsets and the original's. */
export interface LfView {
  text: string;
  /** An offset of the original text in the view (inside a CRLF: the view's '\n'). */
  toView(offset: number): number;
  /** An offset of the view in the original text (the view's '\n' of a CRLF is the original's '\r'). */
  toOriginal(offset: number): number;
}

export function lfView(original: string): LfView {
  // Original offsets of the '\r' of each CRLF; lone CRs keep their offset (one character either way).
  const pairs: number[] = [];
  for (let i = original.indexOf('\r\n'); i >= 0; i = original.indexOf('\r\n', i + 2)) pairs.push(i);
  const text = original.replace(/\r\n?/g, '\n');
  // The view's offset of each pair's '\n'.
  const inView = pairs.map((p, k) => p - k);
  return {
    text,
    toView: (offset) => offset - countBelow(pairs, offset),
    toOriginal: (offset) => offset + countBelow(inView, offset),
  };
}

/** How many of the sorted `xs` are below `limit`. */
function countBelow(xs: readonly number[], limit: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
