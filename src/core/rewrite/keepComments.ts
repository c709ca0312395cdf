// The comments inside the code a rewrite replaces are the user's text. Most move with the code they sit
// in (a request's comments go where the request goes); one that sat between the parts a rewrite drops
// (`openai.chat.completions.create // why\n({ … })`) would vanish with them, so it is put back after
// the replacement.
import type { TextEdit } from '../model';
import { lineStartOf } from './lineEndings';

interface Comment {
  type: 'Line' | 'Block';
  range: [number, number];
}

function occurrences(haystack: string, needle: string): number {
  let n = 0;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) n++;
  return n;
}

/**
 * The source of `range` with its comments left out (a block comment becomes a space, so that the tokens
 * either side stay apart): a copy of code that also stays where it is must not show its comments twice.
 */
export function textWithoutComments(text: string, comments: readonly Comment[], range: readonly [number, number]): string {
  let out = '';
  let at = range[0];
  for (const c of comments) {
    if (c.range[0] < range[0] || c.range[1] > range[1]) continue;
    out += text.slice(at, c.range[0]) + (c.type === 'Block' ? ' ' : '');
    at = c.range[1];
  }
  return out + text.slice(at, range[1]);
}

/** The edits, each replaced comment that no edit carries over added back after its edit's new text. */
export function keepComments(text: string, comments: readonly Comment[], edits: readonly TextEdit[]): TextEdit[] {
  const inside = (c: Comment, e: TextEdit) => e.range[0] <= c.range[0] && c.range[1] <= e.range[1] && e.range[0] < e.range[1];
  const missing = new Map<string, number>();
  for (const c of comments) {
    if (!edits.some((e) => inside(c, e))) continue;
    const body = text.slice(c.range[0], c.range[1]);
    missing.set(body, (missing.get(body) ?? 0) + 1);
  }
  if (missing.size === 0) return [...edits];
  const written = edits.map((e) => e.newText).join('\n');
  for (const [body, n] of missing) missing.set(body, n - occurrences(written, body));
  return edits.map((e) => {
    const kept: Comment[] = [];
    for (const c of comments) {
      const body = text.slice(c.range[0], c.range[1]);
      if (!inside(c, e) || (missing.get(body) ?? 0) <= 0) continue;
      missing.set(body, missing.get(body)! - 1);
      kept.push(c);
    }
    if (!kept.length) return e;
    // Block comments go inline; a line comment ends its line, so line comments come last, one a line,
    // and what followed the replaced code goes on the next line, indented like the edit's line.
    const lineEndsAfter = /^[ \t]*(\r\n|\r|\n|$)/.test(text.slice(e.range[1]));
    const lineStart = lineStartOf(text, e.range[0]);
    const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
    const body = (c: Comment) => text.slice(c.range[0], c.range[1]);
    const lines = kept.filter((c) => c.type === 'Line').map(body);
    let newText = e.newText + kept.filter((c) => c.type === 'Block').map((c) => ` ${body(c)}`).join('');
    if (lines.length) newText += ` ${lines.join(`\n${indent}`)}${lineEndsAfter ? '' : `\n${indent}`}`;
    return { range: e.range, newText };
  });
}
