// Code a rewrite moves to another depth gets the indentation of its new place. Inside a template
// literal, or a string continued on the next line with a backslash, a line's leading whitespace is part
// of the value: those lines keep theirs, or the prompt the model receives would change.
import { AST_NODE_TYPES as T, parseSource } from '../parse/parse';
import { visit } from '../parse/walk';

/**
 * Offsets in `text` of the line starts that fall inside a string or template literal; null when the
 * text cannot be read as code (an expression, or statements).
 */
export function literalLineStarts(file: string, text: string): ReadonlySet<number> | null {
  // Only a template literal or a backslash before a line break lets a literal span lines.
  if (!text.includes('`') && !/\\\r?\n/.test(text)) return new Set();
  for (const [before, after] of [['(', '\n);'], ['', '']] as const) {
    const wrapped = before + text + after;
    const parsed = parseSource(file, wrapped);
    if (!parsed.ok) continue;
    const starts = new Set<number>();
    visit(parsed.ast, (n) => {
      if (n.type !== T.TemplateElement && !(n.type === T.Literal && typeof n.value === 'string')) return;
      for (let at = wrapped.indexOf('\n', n.range[0]); at !== -1 && at < n.range[1] - 1; at = wrapped.indexOf('\n', at + 1)) starts.add(at + 1 - before.length);
    });
    return starts;
  }
  return null;
}

/**
 * `text` with `change` applied to each line after the first, but those that start inside a literal;
 * unchanged when the text cannot be read as code (the indentation of code is only its look).
 */
export function reindentLines(file: string, text: string, change: (line: string) => string): string {
  if (!text.includes('\n')) return text;
  const keep = literalLineStarts(file, text);
  if (keep === null) return text;
  const lines = text.split('\n');
  let start = lines[0].length + 1;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (!keep.has(start)) lines[i] = change(line);
    start += line.length + 1;
  }
  return lines.join('\n');
}
