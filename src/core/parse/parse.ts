import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { AST_NODE_TYPES as NODE_TYPES } from '@typescript-eslint/types';
import { typescript, typescriptEstree } from '../heavy';
import { Node, treeLevels } from './walk';
import { commentsOf } from './comments';

export type { TSESTree };
/**
 * The node types, held here as a plain value: re-exported, every `T.CallExpression` in the engine would
 * call a chain of three module getters (a tenth of the analysis time of a file with thousands of calls).
 */
export const AST_NODE_TYPES = NODE_TYPES;
export type AST_NODE_TYPES = NODE_TYPES;

export const SOURCE_EXTENSIONS = ['.js', '.jsx', '.ts', '.tsx', '.mjs', '.cjs', '.mts', '.cts'] as const;

/**
 * Files with more code than this are reported and skipped: parsing cost grows with the code and such
 * files are bundles or data. String and template literals, comments and whitespace do not count: a 5 MB prompt in one template
 * parses in a third of a second, and its tokens are counted from its start (MAX_COUNTED_CHARS).
 */
export const MAX_PARSE_BYTES = 1_500_000;
/** No file larger than this is read at all, whatever it holds. */
export const MAX_SOURCE_BYTES = 16_000_000;
/** A line longer than this on average means minified output, not source anyone edits. */
const MINIFIED_AVERAGE_LINE = 500;

/**
 * The deepest nesting parsed: brackets in the text, and levels of the syntax tree. The parser recurses
 * once per level, and how deep it gets before its stack runs out depends on how warm the JIT is: a file
 * 400-550 objects deep failed in a fresh process and parsed after some warm-up, so the same file gave
 * different findings in a new CLI run and in a long-lived editor. Below these limits every construct
 * parses in a cold process (the shallowest failures measured: 600 parentheses, a tree 621 levels deep
 * for template literals); past them a file is too deep whatever ran before. Real code is far shallower
 * (dub's apps/web/lib: at most 34 levels).
 */
export const MAX_BRACKET_DEPTH = 400;
export const MAX_TREE_DEPTH = 400;
/** Why a file nested deeper than that (a generated chain, a huge literal) is not analysed. */
export const TOO_DEEP_TO_PARSE = `too deeply nested to parse (over ${MAX_TREE_DEPTH} levels)`;

/**
 * The TypeScript parser's time doubles with each `async function` expression nested in another (it
 * reads each `async` both ways): 16 levels take 0.3 s, 20 about 4 s, the 43 of a fuzz input (an
 * unfinished function pasted 43 times) forever. Past this many the file is not parsed.
 */
export const MAX_ASYNC_FUNCTION_NESTING = 16;
export const TOO_MANY_ASYNC_FUNCTIONS = `too many \`async function\`s nested in one another (or chained into calls) to parse in reasonable time (over ${MAX_ASYNC_FUNCTION_NESTING})`;

export interface ParsedFile {
  ok: true;
  file: string;
  text: string;
  ast: TSESTree.Program;
  comments: TSESTree.Comment[];
}
export interface ParseFailure {
  ok: false;
  file: string;
  message: string;
  /** Where the syntax error is, when it is one. */
  line?: number;
  column?: number;
}
export type ParseResult = ParsedFile | ParseFailure;

export function isSourceFile(path: string): boolean {
  const lower = path.toLowerCase();
  if (lower.endsWith('.d.ts') || lower.endsWith('.d.mts') || lower.endsWith('.d.cts')) return false;
  return SOURCE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

function extensionOf(path: string): string {
  const dot = path.lastIndexOf('.');
  return dot < 0 ? '' : path.slice(dot).toLowerCase();
}

/**
 * How much of the start of a file is searched for a NUL to call it binary (git's rule: 8,000 bytes).
 * Source may hold NUL characters further on, in its strings (`"\0RESULT\0"` written out raw); a
 * binary file has them at once.
 */
export const BINARY_SNIFF = 8000;

/** Is there a NUL character among the first BINARY_SNIFF characters (or bytes)? */
export function looksBinary(text: string | Uint8Array): boolean {
  return typeof text === 'string' ? text.slice(0, BINARY_SNIFF).includes('\u0000') : text.subarray(0, BINARY_SNIFF).includes(0);
}

/** Reasons a text is not worth parsing, or null. Cheap: no tokenizing. */
export function unparseableReason(text: string): string | null {
  if (text.length > MAX_SOURCE_BYTES) {
    return `skipped: ${(text.length / 1e6).toFixed(1)} MB is over the ${MAX_SOURCE_BYTES / 1e6} MB limit for source files`;
  }
  if (looksBinary(text)) return 'skipped: the file looks binary (it contains NUL characters)';
  if (text.length > 20_000) {
    let lines = 1;
    // A line ends at LF, CRLF or a lone CR (old Mac line endings are lines too, not one long line).
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) lines++;
    }
    if (text.length / lines > MINIFIED_AVERAGE_LINE) return 'skipped: the file looks minified (very long lines)';
  }
  return null;
}

/**
 * Why a text over MAX_PARSE_BYTES is not parsed: more code than that outside its literals. Asked only
 * of a file about to be parsed (it loads TypeScript's scanner, which an audit that parses nothing
 * never loads); unparseableReason's cheap checks come first.
 */
export function codeSizeReason(text: string): string | null {
  if (text.length <= MAX_PARSE_BYTES || codeLength(text, MAX_PARSE_BYTES) <= MAX_PARSE_BYTES) return null;
  return `skipped: ${(text.length / 1e6).toFixed(1)} MB with over ${MAX_PARSE_BYTES / 1e6} MB of code outside string literals is over the limit for source files`;
}

/**
 * How much of a text is code rather than the contents of string and template literals (and comments),
 * read with TypeScript's scanner; it stops counting past `limit`. The scanner does not know where a
 * slash starts a regular expression, so one is taken as a regex where an expression may start.
 */
export function codeLength(text: string, limit = Infinity): number {
  const ts = typescript();
  const K = ts.SyntaxKind;
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
  const literal = new Set([K.StringLiteral, K.NoSubstitutionTemplateLiteral, K.TemplateHead, K.TemplateMiddle, K.TemplateTail, K.RegularExpressionLiteral]);
  // Tokens after which a slash divides; after any other, it starts a regular expression.
  const endsExpression = new Set([K.Identifier, K.NumericLiteral, K.BigIntLiteral, K.StringLiteral, K.NoSubstitutionTemplateLiteral, K.TemplateTail, K.RegularExpressionLiteral, K.CloseParenToken, K.CloseBracketToken, K.CloseBraceToken, K.ThisKeyword, K.SuperKeyword, K.TrueKeyword, K.FalseKeyword, K.NullKeyword, K.PlusPlusToken, K.MinusMinusToken]);
  // For each `{` or template hole open: whether a `}` closes a template hole.
  const braces: boolean[] = [];
  let code = 0;
  let previous: number = K.Unknown;
  for (let kind = scanner.scan(); kind !== K.EndOfFileToken; kind = scanner.scan()) {
    if ((kind === K.SlashToken || kind === K.SlashEqualsToken) && !endsExpression.has(previous)) kind = scanner.reScanSlashToken();
    if (kind === K.OpenBraceToken) braces.push(false);
    else if (kind === K.TemplateHead) braces.push(true);
    else if (kind === K.CloseBraceToken && braces.length > 0 && braces[braces.length - 1]) {
      kind = scanner.reScanTemplateToken(false);
      if (kind === K.TemplateTail) braces.pop();
    } else if (kind === K.CloseBraceToken) braces.pop();
    if (!literal.has(kind)) {
      code += scanner.getTokenEnd() - scanner.getTokenStart();
      if (code > limit) return code;
    }
    previous = kind;
  }
  return code;
}

/**
 * Parses JS/TS. Never throws: a syntax error or an unsuitable file is a ParseFailure value.
 * JSX is enabled for .jsx/.tsx and for plain JavaScript (where it cannot clash with type assertions).
 */
export function parseSource(file: string, text: string): ParseResult {
  const reason = unparseableReason(text) ?? codeSizeReason(text);
  if (reason) return { ok: false, file, message: reason };
  const ext = extensionOf(file);
  const jsx = ext === '.tsx' || ext === '.jsx' || ext === '.js' || ext === '.mjs' || ext === '.cjs';
  const source = text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text; // keep offsets, drop the BOM
  if (bracketDepth(text) > MAX_BRACKET_DEPTH) return { ok: false, file, message: TOO_DEEP_TO_PARSE };
  if (asyncFunctionNesting(text) > MAX_ASYNC_FUNCTION_NESTING) return { ok: false, file, message: TOO_MANY_ASYNC_FUNCTIONS };
  try {
    // Comments are read off the finished tree (see comments.ts): the parser's own pass costs a quarter of the parse.
    const ast = typescriptEstree().parse(source, { loc: true, range: true, comment: false, jsx, errorOnUnknownASTType: false });
    if (treeDepth(ast) > MAX_TREE_DEPTH) return { ok: false, file, message: TOO_DEEP_TO_PARSE };
    ast.comments = commentsOf(source, ast);
    return { ok: true, file, text, ast, comments: ast.comments };
  } catch (err) {
    // The parser recurses once per level of nesting: a file nested deeper than the stack allows is no syntax error.
    if (err instanceof RangeError && /call stack/i.test(err.message)) return { ok: false, file, message: TOO_DEEP_TO_PARSE };
    const e = err as { message?: string; lineNumber?: number; column?: number };
    return {
      ok: false,
      file,
      message: `syntax error: ${e.message ?? String(err)}`,
      line: e.lineNumber,
      column: e.column,
    };
  }
}

/** The deepest the text's brackets nest, counted over the whole text (a bracket in a string counts too: the limit is far above real code). */
export function bracketDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) {
      if (++depth > max) max = depth;
    } else if (c === 41 || c === 93 || c === 125) {
      if (depth > 0) depth--;
    }
  }
  return max;
}

/**
 * How many `async function` bodies nest in one another at most, by a scan of the text (brackets in
 * strings and comments count too, as in `bracketDepth`): the `{` after `async function …(…)` at the
 * bracket depth the keyword stood at opens one. Closed or not: an unclosed one nests what follows. A
 * call straight after such a body (`async function a() {}(async function b() {}(…))`) nests its
 * arguments in the function the same way: TypeScript's parse time doubles per level of either.
 */
export function asyncFunctionNesting(text: string): number {
  if (!text.includes('async')) return 0;
  const opened: boolean[] = []; // per open bracket: does it open an async function's body, or a call of one?
  let open = 0;
  let max = 0;
  let awaiting = -1; // the bracket depth of the last `async function` whose body has not opened yet
  let calledAt = -1; // just after an async function's body closed: where a `(` would call it
  const keyword = /async\s+function\b/y;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 97 /* a */ && (i === 0 || !/[\w$]/.test(text[i - 1]))) {
      keyword.lastIndex = i;
      if (keyword.test(text)) {
        awaiting = opened.length;
        calledAt = -1;
        i = keyword.lastIndex - 1;
        continue;
      }
    }
    if (c === 40 || c === 91 || c === 123) {
      const nests = (c === 123 && awaiting === opened.length) || (c === 40 && calledAt >= 0);
      if (c === 123 && awaiting === opened.length) awaiting = -1;
      if (nests && ++open > max) max = open;
      opened.push(nests);
      calledAt = -1;
    } else if ((c === 41 || c === 93 || c === 125) && opened.length > 0) {
      const closed = opened.pop();
      if (closed) open--;
      calledAt = closed && c === 125 ? i : -1;
    } else if (calledAt >= 0 && c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 0x2028 && c !== 0x2029) {
      calledAt = -1;
    }
  }
  return max;
}

/**
 * Levels of the syntax tree (type annotations left out, as the walks do), by an iterative walk. A
 * sequence `a, b, c` is one flat node here but a chain as deep as it is long while it is parsed: it
 * counts at that depth.
 */
export function treeDepth(root: Node): number {
  return treeLevels(root, (node) => (node.type === 'SequenceExpression' ? node.expressions.length : 1));
}
