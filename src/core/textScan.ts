// What the engine reads of a file's text without parsing it: module specifiers (the import scan),
// whole words (ProjectIndex.spells), and the text tests every file is asked as its text is read.
import { packageSpecifier } from './syntax/nodes';

/**
 * A copy of a string that does not hold on to the text it was cut from. V8 keeps a substring of 13 or
 * more characters as a slice of its parent: a module specifier read from a file, kept as a memo's key,
 * kept the whole file's text alive (63 MB of a 15,000-file monorepo's heap).
 */
export function detached(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/** A question about a file's text alone, asked of every file of the project; see `textTest`. */
export interface TextTest {
  readonly test: (text: string) => boolean;
}

/** Text tests made when the engine loads: the import scan asks each of them while it holds the text. */
export const SCANNED_TESTS: TextTest[] = [];

/**
 * A text test for `ProjectIndex.filesPassing`, made once at module level. The import scan asks it of
 * every file as it reads the file's text, so a rule that looks for, say, the files that import
 * graphile-worker, reads no text again: a whole-tree pass over texts no longer kept (the texts' budget)
 * read a 15,000-file tree from disk again. Start the test with a cheap `includes`: it runs on every file.
 */
export function textTest(test: (text: string) => boolean): TextTest {
  const made = { test };
  SCANNED_TESTS.push(made);
  return made;
}

/**
 * What the whole-workspace lists read of one text (undefined: no text): the import specifiers as the
 * import scan reads them, and the text tests it passes. An edit that leaves them as they were changes
 * no importer list and no list of files passing a test, so the memos that read those lists stay.
 */
export function listFacts(text: string | undefined): { imports: string; tests: string } {
  if (text === undefined) return { imports: '', tests: '' };
  const { specifiers, exact } = scanSpecifiers(text);
  return { imports: JSON.stringify([exact, ...specifiers]), tests: SCANNED_TESTS.map((t) => (t.test(text) ? '1' : '0')).join('') };
}

/** `s` matched literally inside a regular expression. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Identifier-like words, as JavaScript spells them (Unicode letters, `$`, `_`). */
export const WORD = /[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*/gu;
export const WORD_ONLY = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*$/u;
/** How many questions `spells` answers about a file by searching its text before it keeps the file's words. */
export const SPELLS_INDEX_AFTER = 8;
const WORD_CHAR = /[\p{ID_Continue}$\u200c\u200d]/u;

/** Is `name` in the text as a whole word (not inside a longer one)? */
export function wordIn(text: string, name: string): boolean {
  for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) {
    const before = at > 0 ? text[at - 1] : '';
    const after = text[at + name.length] ?? '';
    if ((before === '' || !WORD_CHAR.test(before)) && (after === '' || !WORD_CHAR.test(after))) return true;
  }
  return false;
}

/** A keyword a module specifier follows: `from '…'`, `import '…'`, `import('…')`, `require('…')`, `import x = require('…')`. */
const SPECIFIER_KEYWORD = /\b(?:from|import|require)/g;

/**
 * What may stand between the keyword and the specifier's string: whitespace, parentheses, `?.`, type
 * arguments (`require<T>(…)`), comments. Each piece is matched atomically (a lookahead captured, then
 * consumed), so the match never backtracks into one.
 */
const SPECIFIER_AFTER = /(?:[\s(?.>]|(?=(?<args><[^;]*?>))\k<args>|(?=(?<block>\/\*[\s\S]*?\*\/))\k<block>|(?=(?<line>\/\/[^\n\r\u2028\u2029]*))\k<line>)*(?:'(?<single>[^'\r\n]*)'|"(?<double>[^"\r\n]*)")/y;

/** How far after its keyword a specifier's string may end: each keyword costs at most this, so no text makes the scan quadratic. */
const SPECIFIER_WINDOW = 1000;

/**
 * The module specifiers a file's text names, by a scan that never parses: a superset of what the
 * parser reads as module references (a keyword in a comment or a string counts too; the parse
 * confirms each candidate), but for a string more than 1,000 characters after its keyword (a long
 * comment between them). `exact` is false when a specifier holds a backslash (an escape the scan does
 * not decode): such a file may import anything.
 */
export function scanSpecifiers(text: string): { specifiers: string[]; exact: boolean } {
  const specifiers: string[] = [];
  let exact = true;
  const keyword = new RegExp(SPECIFIER_KEYWORD.source, 'g');
  const after = new RegExp(SPECIFIER_AFTER.source, 'y');
  for (let k = keyword.exec(text); k !== null; k = keyword.exec(text)) {
    const end = k.index + k[0].length;
    const window = text.slice(end, end + SPECIFIER_WINDOW);
    after.lastIndex = 0;
    const m = after.exec(window);
    if (!m) continue;
    const spec = m.groups!.single ?? m.groups!.double;
    if (spec.includes('\\')) exact = false;
    else specifiers.push(packageSpecifier(spec));
  }
  return { specifiers, exact };
}

/**
 * Where a text may load a module whole (`import * as`, `export *`, `require(…)`, `import(…)`): a word
 * that starts one of these forms, in code or not.
 */
export const WHOLE_MODULE = /\b(?:import|export)\s*(?:type\s+)?\*|\brequire\b|\bimport\s*\(/;

const WHOLE_MODULE_FORM = /\b(?:import|export)\s*(?:type\s+)?\*|\brequire\s*(?=[(<])|\bimport\s*(?=\()/g;
/** Between `* ` and the specifier's string: `as name from`. */
const STAR_FROM = /\s*(?:as\s+[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*\s*)?from(?![\p{ID_Continue}$])/uy;

/**
 * The specifiers of the modules a text loads whole, by a scan that never parses; null when one of
 * these forms names no string the scan can read (`require(name)`, `import(\`./${x}\`)`, a comment in
 * the way): such a file may load any module whole. The word `require` with no call after it (prose in
 * a comment) loads nothing.
 */
export function wholeModuleSpecifiers(text: string): string[] | null {
  const out: string[] = [];
  const form = new RegExp(WHOLE_MODULE_FORM.source, 'gu');
  const starFrom = new RegExp(STAR_FROM.source, 'uy');
  const after = new RegExp(SPECIFIER_AFTER.source, 'y');
  for (let m = form.exec(text); m !== null; m = form.exec(text)) {
    let at = m.index + m[0].length;
    if (m[0].endsWith('*')) {
      starFrom.lastIndex = at;
      if (!starFrom.exec(text)) return null;
      at = starFrom.lastIndex;
    }
    after.lastIndex = 0;
    const s = after.exec(text.slice(at, at + SPECIFIER_WINDOW));
    if (!s) return null;
    const spec = s.groups!.single ?? s.groups!.double;
    if (spec.includes('\\')) return null;
    out.push(packageSpecifier(spec));
  }
  return out;
}
