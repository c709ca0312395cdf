// Does a fix keep the user's text? A rewrite moves and wraps code; it never cuts into a token, never
// splits a line break or a surrogate pair, never loses a comment or a string the user wrote, and never
// writes one of the user's comments twice. Identifiers and punctuation are not compared: replacing the
// call is the point of the rewrite.
import type { TextEdit } from '../../src/core/model';
import { parseForShape, Range } from './shape';

interface Lexed {
  /** Token and comment ranges, in order. */
  spans: Range[];
  /** The user's text that must survive: comments, string and template pieces, JSX text, regexes. */
  kept: Map<string, number>;
  comments: Map<string, number>;
}

function lex(file: string, text: string, skip: Range | null): Lexed | null {
  let ast: ReturnType<typeof parseForShape>;
  try {
    ast = parseForShape(file, text);
  } catch {
    return null;
  }
  const spans: Range[] = [];
  const kept = new Map<string, number>();
  const comments = new Map<string, number>();
  const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const t of ast.tokens ?? []) {
    spans.push(t.range);
    if (skip && skip[0] <= t.range[0] && t.range[1] <= skip[1]) continue;
    if (t.type === 'String' || t.type === 'Template' || t.type === 'RegularExpression' || (t.type === 'JSXText' && t.value.trim())) add(kept, t.value);
  }
  for (const c of ast.comments ?? []) {
    spans.push(c.range);
    add(kept, text.slice(c.range[0], c.range[1]));
    add(comments, text.slice(c.range[0], c.range[1]));
  }
  spans.sort((a, b) => a[0] - b[0]);
  return { spans, kept, comments };
}

const show = (s: string) => JSON.stringify(s.length > 80 ? s.slice(0, 77) + '…' : s);

/**
 * What is wrong with a fix's edits of `before` (which parses), or null. `callee` is the range of the
 * rewritten call's callee: strings in it (`client['chat']`) go with the call.
 */
export function userTextProblem(file: string, before: string, edits: readonly TextEdit[], after: string, callee: Range | null): string | null {
  const sorted = [...edits].sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]);
  let end = 0;
  for (const e of sorted) {
    const [s, t] = e.range;
    if (!(Number.isInteger(s) && Number.isInteger(t) && 0 <= s && s <= t && t <= before.length)) return `an edit outside the text: [${s}, ${t}) of ${before.length}`;
    if (s < end) return `overlapping edits at ${s}`;
    end = t;
  }
  const lexed = lex(file, before, callee);
  if (!lexed) return null;
  for (const e of sorted) {
    for (const at of new Set(e.range)) {
      const prev = before.charCodeAt(at - 1);
      const next = before.charCodeAt(at);
      if (prev >= 0xd800 && prev <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) return `an edit at ${at} splits a surrogate pair`;
      if (prev === 13 && next === 10) return `an edit at ${at} splits a CRLF line break`;
      const inside = lexed.spans.find(([s, t]) => s < at && at < t);
      if (inside) return `an edit at ${at} cuts into ${show(before.slice(inside[0], inside[1]))}`;
    }
  }
  const out = lex(file, after, null);
  if (!out) return null; // the re-parse check reports it
  for (const [piece, n] of lexed.kept) {
    const m = out.kept.get(piece) ?? 0;
    if (m < n) return `the fix drops ${show(piece)} (${n} in the file, ${m} after the fix)`;
  }
  for (const [piece, n] of lexed.comments) {
    const m = out.comments.get(piece) ?? 0;
    if (m > n) return `the fix duplicates the comment ${show(piece)} (${n} in the file, ${m} after the fix)`;
  }
  return null;
}
