// A parsed file's comments, read off the syntax tree the parser made rather than by the parser's own
// comment pass. typescript-estree finds comments by asking TypeScript for every token of the file
// (`getChildren` on every node, which builds a list node for each and scans the text again): about a
// quarter of the parse, and much of its garbage. The tree already says where the text is code: a
// comment starts with `//` or `/*` anywhere outside a literal (string, template part, regular
// expression, JSX text), since no other token holds a slash followed by `/` or `*`. So the literals'
// ranges are set aside and the rest of the text is searched for those two pairs. The comments are the
// same objects the parser would give (type, value, range, loc): a test holds the two to each other
// on every fixture and on the fuzzer's inputs.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { visitorKeys } from '@typescript-eslint/visitor-keys';
import { typescript } from '../heavy';
import { isNode } from './walk';

type Node = TSESTree.Node;

/** Node types whose text may hold `//` or `/*` that is not a comment. */
const LITERALS = new Set<string>(['Literal', 'TemplateElement', 'JSXText']);

const ALL_KEYS = new Map<string, readonly string[]>(Object.entries(visitorKeys).map(([type, keys]) => [type, keys ?? []]));

/** The ranges of the literals under `root`, every key walked (a string literal type sits in a type annotation). */
function literalRanges(root: Node): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (LITERALS.has(node.type)) {
      out.push(node.range);
      // A literal holds no node (a template element's parts are not nodes), except in a regular
      // expression or bigint, which hold none either: nothing below it to walk.
      continue;
    }
    const keys = ALL_KEYS.get(node.type) ?? Object.keys(node).filter((k) => k !== 'parent' && k !== 'loc' && k !== 'range');
    for (const key of keys) {
      const value = (node as unknown as Record<string, unknown>)[key];
      if (Array.isArray(value)) {
        for (const v of value) if (isNode(v)) stack.push(v);
      } else if (isNode(value)) {
        stack.push(value);
      }
    }
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/** Whether a character ends a line, as TypeScript counts lines (LF, CR, LS, PS). */
function endsLine(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}

/**
 * Where the parser's comments may start in a file that begins with `#!`. The `#!` line is no comment,
 * and TypeScript ends it at any line break (LF, CR, LS, PS). What follows it up to the first token is that
 * token's leading trivia, which ts-api-utils reads from the end of the `#!` line; TypeScript collects
 * comments there only after a CR or LF, so a comment after an LS or PS on that line is not the parser's,
 * and neither is a block comment that starts there and runs onto the next lines. Comments after the first
 * token are all the parser's, on that line too.
 */
function afterHashbang(text: string, program: TSESTree.Program): number {
  let i = 2;
  while (i < text.length && !endsLine(text.charCodeAt(i))) i++;
  const firstToken = program.body[0]?.range[0] ?? text.length;
  while (i < firstToken) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
    if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) {
      i += 2;
      while (i < text.length && !endsLine(text.charCodeAt(i))) i++;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42 /* * */) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 2;
    } else {
      i++;
    }
  }
  return i;
}

/**
 * The comments of `text`, whose syntax tree is `program` (a tree the parser made of exactly this text,
 * with ranges), in source order, as typescript-estree's `comment: true` gives them.
 */
export function commentsOf(text: string, program: TSESTree.Program): TSESTree.Comment[] {
  if (!text.includes('//') && !text.includes('/*')) return [];
  const literals = literalRanges(program);
  const ts = typescript();
  // TypeScript's own line count (its line map is kept on this object after the first look-up).
  const lines = { text } as unknown as Parameters<typeof ts.getLineAndCharacterOfPosition>[0];
  const position = (pos: number): TSESTree.Position => {
    const { line, character } = ts.getLineAndCharacterOfPosition(lines, pos);
    return { line: line + 1, column: character };
  };
  const comments: TSESTree.Comment[] = [];
  let next = 0; // the first literal that does not end before the search position
  let i = text.startsWith('#!') ? afterHashbang(text, program) : 0;
  for (;;) {
    const slash = text.indexOf('/', i);
    if (slash < 0 || slash + 1 >= text.length) break;
    while (next < literals.length && literals[next][1] <= slash) next++;
    if (next < literals.length && literals[next][0] <= slash) {
      i = literals[next][1];
      continue;
    }
    const after = text.charCodeAt(slash + 1);
    if (after === 47 /* / */) {
      let end = slash + 2;
      while (end < text.length && !endsLine(text.charCodeAt(end))) end++;
      comments.push({ type: 'Line' as TSESTree.Comment['type'], value: text.slice(slash + 2, end), range: [slash, end], loc: { start: position(slash), end: position(end) } } as TSESTree.Comment);
      i = end;
    } else if (after === 42 /* * */) {
      const close = text.indexOf('*/', slash + 2);
      // An unclosed block comment is a syntax error, which never reaches here; to the end of the text if it did.
      const end = close < 0 ? text.length : close + 2;
      comments.push({ type: 'Block' as TSESTree.Comment['type'], value: text.slice(slash + 2, close < 0 ? end : close), range: [slash, end], loc: { start: position(slash), end: position(end) } } as TSESTree.Comment);
      i = end;
    } else {
      i = slash + 1;
    }
  }
  return comments;
}
