// Rewrites are planned on text with '\n' line breaks; a file with CRLF or CR-only breaks is seen
// through an LF view, and the edits come back in the file's own offsets and line endings. One place
// for every strategy, so none of them has to know. A literal's own line breaks are its value's bytes:
// where they differ from the file's ending (a CR inside a CRLF file's template literal), moved code
// keeps them as they were.
import { AST_NODE_TYPES as T, type TSESTree } from '../parse/parse';
import { visit } from '../parse/walk';
import { isLineTerminator } from '../parse/lineNumbers';

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

/** Where the line holding `offset` starts: just after the nearest line terminator (LF, CR, LS, PS) before it, or 0. */
export function lineStartOf(text: string, offset: number): number {
  for (let i = offset - 1; i >= 0; i--) if (isLineTerminator(text.charCodeAt(i))) return i + 1;
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

/** A literal or comment whose line breaks are not all the file's ending: its text in the LF view and as the file has it. */
export interface KeptBreaks {
  view: string;
  original: string;
}

/**
 * The template literal parts, strings (a line continuation), JSX text and block comments of a file seen
 * through `view` whose line breaks `withLineEnding(…, eol)` would not give back as the file has them.
 * None in a file whose breaks are all one kind (the usual case, found without a walk).
 */
export function keptBreaksOf(original: string, view: LfView, ast: TSESTree.Program | undefined, eol: LineEnding): KeptBreaks[] {
  if (!ast || !mixedBreaks(original)) return [];
  const kept: KeptBreaks[] = [];
  const consider = (range: readonly [number, number]) => {
    const inView = view.text.slice(range[0], range[1]);
    if (!inView.includes('\n')) return;
    const inFile = original.slice(view.toOriginal(range[0]), view.toOriginal(range[1]));
    if (withLineEnding(inView, eol) !== inFile) kept.push({ view: inView, original: inFile });
  };
  visit(ast, (n) => {
    if (n.type === T.TemplateElement || n.type === T.JSXText || (n.type === T.Literal && typeof n.value === 'string')) consider(n.range);
  });
  for (const c of ast.comments ?? []) if (c.type === 'Block') consider(c.range);
  // The longest first, so that a literal holding another's text is matched whole.
  return kept.sort((a, b) => b.view.length - a.view.length);
}

/** Whether a text has more than one kind of line break (LF, CRLF, lone CR). */
function mixedBreaks(text: string): boolean {
  let kinds = 0;
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) kinds |= text.charCodeAt(i + 1) === 10 ? 1 : 2;
  for (let i = text.indexOf('\n'); i >= 0 && kinds !== 7; i = text.indexOf('\n', i + 1)) if (text.charCodeAt(i - 1) !== 13) kinds |= 4;
  return (kinds & (kinds - 1)) !== 0; // more than one bit set
}

/**
 * `withLineEnding(s, eol)`, except that the text of a `kept` literal or comment in `s` (moved code
 * carries it verbatim) gets the file's own breaks back.
 */
export function withLineEndingKeeping(s: string, eol: LineEnding, kept: readonly KeptBreaks[]): string {
  if (kept.length === 0 || !s.includes('\n')) return withLineEnding(s, eol);
  const spans: { start: number; end: number; original: string }[] = [];
  for (const k of kept) {
    for (let at = s.indexOf(k.view); at >= 0; at = s.indexOf(k.view, at + k.view.length)) {
      const end = at + k.view.length;
      if (!spans.some((x) => at < x.end && x.start < end)) spans.push({ start: at, end, original: k.original });
    }
  }
  spans.sort((a, b) => a.start - b.start);
  let out = '';
  let from = 0;
  for (const x of spans) {
    out += withLineEnding(s.slice(from, x.start), eol) + x.original;
    from = x.end;
  }
  return out + withLineEnding(s.slice(from), eol);
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
