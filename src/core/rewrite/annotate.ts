// Comments that settle a finding by hand, as the user would type them: declare who waits for a call
// (`// batchwise: batch`, `// batchwise: user-waiting`), or silence a call or a whole file. The comment
// goes on its own line above the call, indented like it; the edit is checked by parsing the result,
// so a comment that would land inside a template literal or JSX text (where it is not a comment) is
// refused instead of changing the program.
import { parseSource } from '../parse/parse';
import type { CallSite, TextEdit } from '../model';
import { applyEdits } from './index';
import { lfView, lineEndingOf, lineStartOf, withLineEnding } from './lineEndings';

export type AnnotationKind = 'declare-batch' | 'declare-user-waiting' | 'ignore-line' | 'ignore-file';

export const ANNOTATIONS: Record<AnnotationKind, { comment: string; title: string }> = {
  'declare-batch': { comment: 'batchwise: batch', title: 'Declare that nobody waits for this call' },
  'declare-user-waiting': { comment: 'batchwise: user-waiting', title: 'Declare that a person waits for this call' },
  'ignore-line': { comment: 'batchwise-ignore-next-line', title: 'Ignore this call' },
  'ignore-file': { comment: 'batchwise-ignore-file', title: 'Ignore this file' },
};

export type AnnotationPlan = { ok: true; edit: TextEdit; comment: string } | { ok: false; reason: string };

export function isAnnotationKind(value: unknown): value is AnnotationKind {
  return typeof value === 'string' && Object.hasOwn(ANNOTATIONS, value);
}

/**
 * The comment's edit, in the file's own offsets and line ending: it is placed on the text with '\n'
 * breaks (a CRLF or CR-only file seen through its LF view) and mapped back.
 */
export function planAnnotation(file: string, text: string, site: CallSite, kind: AnnotationKind): AnnotationPlan {
  if (!text.includes('\r')) return planOnLf(file, text, site, kind);
  const view = lfView(text);
  const plan = planOnLf(file, view.text, { ...site, range: [view.toView(site.range[0]), view.toView(site.range[1])] }, kind);
  if (!plan.ok) return plan;
  const at = view.toOriginal(plan.edit.range[0]);
  return { ...plan, edit: { range: [at, at], newText: withLineEnding(plan.edit.newText, lineEndingOf(text)) } };
}

function planOnLf(file: string, text: string, site: CallSite, kind: AnnotationKind): AnnotationPlan {
  const { comment } = ANNOTATIONS[kind];
  const eol = '\n';
  let at: number;
  let newText: string;
  if (kind === 'ignore-file') {
    // First line, or the line after a shebang (which must stay first).
    at = text.startsWith('#!') ? lineEnd(text, 0) : text.charCodeAt(0) === 0xfeff ? 1 : 0;
    newText = at === 0 || at === 1 ? `// ${comment}${eol}` : `${eol}// ${comment}`;
  } else {
    at = lineStartOf(text, site.range[0]);
    const indent = /^[ \t]*/.exec(text.slice(at))![0];
    newText = `${indent}// ${comment}${eol}`;
  }
  const edit: TextEdit = { range: [at, at], newText };
  const after = applyEdits(text, [edit]);
  const parsed = parseSource(file, after);
  if (!parsed.ok) return { ok: false, reason: `the file would not parse with the comment (${parsed.message})` };
  const line = after.slice(0, at + newText.indexOf('//')).split(/\r\n|[\n\r\u2028\u2029]/).length;
  const landed = parsed.comments.some((c) => c.type === 'Line' && c.value.trim() === comment && c.loc.start.line === line);
  if (!landed) return { ok: false, reason: 'a comment there would be part of a string or JSX text, not a comment; add it by hand where it belongs' };
  return { ok: true, edit, comment: `// ${comment}` };
}

function lineEnd(text: string, from: number): number {
  const i = text.indexOf('\n', from);
  return i < 0 ? text.length : i;
}
