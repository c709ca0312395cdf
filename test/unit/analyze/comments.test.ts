// The comments parseSource reads off the tree (src/core/parse/comments.ts) are the parser's own: held to
// typescript-estree's `comment: true` on every source file of the fixtures and the example workspace,
// and on texts made to trip a search for `//` and `/*` (URLs in strings, regular expressions, JSX text,
// string literal types, template parts, other line breaks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from '@typescript-eslint/typescript-estree';
import { isSourceFile, parseSource, TSESTree } from '../../../src/core/parse/parse';

const ROOT = resolve(__dirname, '../../../..');

function parserComments(file: string, text: string): TSESTree.Comment[] {
  const jsx = !/\.[cm]?ts$/.test(file);
  const source = text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text;
  return parse(source, { loc: true, range: true, comment: true, jsx, errorOnUnknownASTType: false }).comments ?? [];
}

function same(file: string, text: string): void {
  const parsed = parseSource(file, text);
  assert.ok(parsed.ok, `${file}: ${parsed.ok ? '' : parsed.message}`);
  const plain = (cs: readonly TSESTree.Comment[]) => cs.map((c) => ({ type: c.type, value: c.value, range: c.range, loc: c.loc }));
  assert.deepEqual(plain(parsed.comments), plain(parserComments(file, text)), file);
  assert.equal(parsed.ast.comments, parsed.comments, `${file}: the tree holds the same list`);
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (isSourceFile(path)) out.push(path);
  }
  return out;
}

test('every fixture and example file: the same comments as the parser gives', () => {
  const files = [...sourceFiles(join(ROOT, 'test/fixtures')), ...sourceFiles(join(ROOT, 'examples'))];
  assert.ok(files.length > 200, `only ${files.length} files found`);
  let compared = 0;
  for (const path of files) {
    const text = readFileSync(path, 'utf8');
    if (!parseSource(path, text).ok) continue; // fixtures of syntax errors
    same(path, text);
    compared++;
  }
  assert.ok(compared > 200, `only ${compared} files compared`);
});

const TRICKY: Record<string, string> = {
  'urls.ts': `const a = 'https://api.openai.com/v1'; const b = "//x/*y*/"; // real\nconst c = \`//\${d /* in a hole */}/*\`; /* block */`,
  'regex.js': `const r = /\\/\\/not/g, s = /[/*]/; const q = a / /*c*/ b / 2; // end`,
  'jsx.tsx': `const e = <a href="http://x">// text /* not */{/* yes */}<b>{x /* and */}</b></a>; // after`,
  'types.ts': `type U = 'http://x' | \`//\${string}/*\`; declare module 'a//b' { /* inside */ } // t`,
  'breaks.ts': `x // a\r\n/* b\r\n */ y //z\u2028w /* c */\u2029// d\rlast // e`,
  'shebang.js': `#!/usr/bin/env node\n// first\nrun();`,
  'shebang-ls.ts': `#!/usr/bin/env tsx\u2028// swallowed by the #! line, to the parser\nrun(); // kept\u2029/* and */ x;`,
  'shebang-cr.ts': `#!/usr/bin/env tsx\r// a comment after CR\nrun();`,
  // After an LS or PS on the #! line, comments before the first token are not the parser's; after it, they are.
  'shebang-ls-code.js': `#!/usr/bin/env node\u2028const fs = require(/* a */'fs')/* b */;\nrun(); // c`,
  'shebang-ps-lead.js': `#!/usr/bin/env node\u2029/* lead */ run(); /* after */\n// next`,
  'shebang-ls-multiline.js': `#!/usr/bin/env node\u2028/* runs\n onto */ /* next */\nrun();`,
  'shebang-ls-then-lf.js': `#!/usr/bin/env node\u2028 /* gone */ \n /* kept */ run();`,
  'shebang-comments-only.js': `#!/usr/bin/env node\u2028// a\n// b\n`,
  // The fuzzer's two inputs (seed 20261208, 46001 and 76616), shrunk.
  'fuzz-46001.js': `#!\u2028(/**/'')/**/`,
  'fuzz-76616.mjs': `#!\u2028import A//\nfrom''\n(/**/c)`,
  'none.ts': `const a = 1 / 2 / 3;`,
  'end.ts': `f(); // no break at the end`,
  'doc.ts': `/** doc */\nexport function f(/* none */) { return /* r */; } /*\n*/`,
  'bom.ts': `\ufeff// after a BOM\nconst x = '//';`,
  'unicode.ts': `const s = 'é//'; /* 日本 */ const t = '😀'; // 😀 after`,
  'attrs.ts': `import data from './d.json' with { type: 'json' }; // attr\nexport * from '//x';`,
  'enum.ts': `enum E { 'a//b' = 1 /* one */, }\nclass C { '//k' = 2; /* m */ m() {} }`,
};

for (const [file, text] of Object.entries(TRICKY)) {
  test(`the same comments as the parser gives: ${file}`, () => same(file, text));
}
