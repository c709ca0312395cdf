// The fuzzer's inputs: a seed project with one to three mutations, a pure function of (seed, index),
// so any input can be made again from its two numbers.
import { prng } from '../unit/rewrite/differential/generate';
import { loadCorpus, SeedProject } from './corpus';
import { Range, shapeOf, Shape } from './shape';

export interface FuzzInput {
  seed: number;
  index: number;
  /** The seed project it was made from. */
  origin: string;
  /** The project: path → text. */
  files: Record<string, string>;
  /** Files given as raw bytes (base64), decoded the way the CLI decodes a file it reads. */
  bytes?: Record<string, string>;
  /** The file the mutations went to. */
  target: string;
  /** The mutators applied, in order, and what each did. */
  kinds: string[];
  mutations: string[];
}

type Rnd = () => number;

interface Ctx {
  rnd: Rnd;
  files: Record<string, string>;
  bytes: Record<string, string>;
  target: string;
  corpus: SeedProject[];
  note: (what: string) => void;
}

const int = (rnd: Rnd, lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
const pick = <T>(rnd: Rnd, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
const chance = (rnd: Rnd, p: number) => rnd() < p;

/** Mixes seed and index into one 32-bit seed (each input gets its own stream). */
function streamSeed(seed: number, index: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index >>> 0, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  return (h ^ (h >>> 15)) >>> 0;
}

const MENTIONS_SDK = /openai|anthropic|@ai-sdk|langchain|\.create\s*\(/;
const isJs = (f: string) => /\.[cm]?jsx?$/i.test(f);
const isTs = (f: string) => /\.[cm]?tsx?$/i.test(f);
const allowsJsx = (f: string) => /\.(jsx|tsx|js|mjs|cjs)$/i.test(f);

function text(c: Ctx): string {
  return c.files[c.target] ?? '';
}
function setText(c: Ctx, t: string): void {
  c.files[c.target] = t;
}
function shape(c: Ctx): Shape | null {
  const t = text(c);
  // Shapes of huge texts cost more than the rest of the input; position blindly there.
  return t.length > 400_000 ? null : shapeOf(c.target, t);
}
function lineStarts(t: string): number[] {
  const out = [0];
  for (let i = 0; i < t.length; i++) if (t.charCodeAt(i) === 10) out.push(i + 1);
  return out;
}
/** Somewhere a statement can go: a statement start when the file parses, else a line start. */
function statementSpot(c: Ctx, s: Shape | null): number {
  if (s && s.statementStarts.length) return pick(c.rnd, s.statementStarts);
  return pick(c.rnd, lineStarts(text(c)));
}
function splice(t: string, at: number, del: number, insert: string): string {
  return t.slice(0, at) + insert + t.slice(at + del);
}
/** A string literal to replace, preferring one in an LLM call's request. */
function stringSpot(c: Ctx, s: Shape | null): Range | null {
  if (!s) return null;
  if (s.requestStrings.length && chance(c.rnd, 0.75)) return pick(c.rnd, s.requestStrings);
  return s.strings.length ? pick(c.rnd, s.strings) : null;
}
/** An LLM call statement of the target, as text (or a self-contained one). */
function callStatement(c: Ctx, s: Shape | null): string {
  if (s && s.callStatements.length && chance(c.rnd, 0.7)) {
    const r = pick(c.rnd, s.callStatements);
    return text(c).slice(r[0], r[1]);
  }
  return `await new OpenAI().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'fuzz' }] });`;
}
function ensureOpenAIImport(c: Ctx): void {
  if (!/\bOpenAI\b/.test(text(c).slice(0, 2000)) || !/from ['"]openai['"]|require\(['"]openai['"]\)/.test(text(c))) {
    setText(c, `import OpenAI from 'openai';\n` + text(c));
  }
}
function depth(c: Ctx): number {
  // The parser follows about 800 levels; below that the engine's own walks get the deep tree.
  return pick(c.rnd, [10_000, 10_000, 3_000, 1_000, 700, 500, 300, 50]);
}

// ---------------------------------------------------------------- text damage

function truncate(c: Ctx): void {
  const t = text(c);
  const s = shape(c);
  let at = int(c.rnd, 0, t.length);
  if (s && s.calls.length && chance(c.rnd, 0.4)) {
    const r = pick(c.rnd, s.calls);
    at = int(c.rnd, r[0], r[1]);
  }
  // Also between the halves of a surrogate pair, where one is near.
  const pair = t.slice(at, at + 200).search(/[\ud800-\udbff]/);
  if (pair >= 0 && chance(c.rnd, 0.5)) at += pair + 1;
  setText(c, t.slice(0, at));
  c.note(`truncate at ${at} of ${t.length}`);
}

const ODD_UNITS = ['\u0000', '\u0001', '\u001b', '\u007f', '\u0085', '\u00a0', '\u00ff', '\ud800', '\udfff', '\ufffd', '\ufeff', '\u2028', '\u2029', '\u202e', '\u200b', '\r', '\n', '\t', '\\', '`', '$', '{', '}', '"', "'", '/', '*', '<', '>', '#', '@'];

function flip(c: Ctx): void {
  let t = text(c);
  const n = int(c.rnd, 1, 8);
  const where: number[] = [];
  for (let i = 0; i < n && t.length; i++) {
    const at = int(c.rnd, 0, t.length - 1);
    const ch = chance(c.rnd, 0.5) ? String.fromCharCode(int(c.rnd, 0, 0xffff)) : pick(c.rnd, ODD_UNITS);
    t = splice(t, at, 1, ch);
    where.push(at);
  }
  setText(c, t);
  c.note(`flip ${n} code unit(s) at ${where.join(',')}`);
}

const BRACKETS = ['{', '}', '(', ')', '[', ']', '`', "'", '"', '${', '/*', '*/', '<', '>', '/'];

function brackets(c: Ctx): void {
  let t = text(c);
  const n = int(c.rnd, 1, 3);
  const done: string[] = [];
  for (let i = 0; i < n; i++) {
    const b = pick(c.rnd, BRACKETS);
    const op = pick(c.rnd, ['delete', 'insert', 'duplicate', 'swap'] as const);
    const spots: number[] = [];
    for (let k = t.indexOf(b); k >= 0 && spots.length < 5000; k = t.indexOf(b, k + 1)) spots.push(k);
    if (op === 'insert' || !spots.length) {
      const at = int(c.rnd, 0, t.length);
      t = splice(t, at, 0, b);
      done.push(`insert ${JSON.stringify(b)} at ${at}`);
    } else {
      const at = pick(c.rnd, spots);
      if (op === 'delete') t = splice(t, at, b.length, '');
      else if (op === 'duplicate') t = splice(t, at, 0, b);
      else {
        const other = pick(c.rnd, BRACKETS.filter((x) => x.length === 1 && x !== b));
        t = splice(t, at, b.length, other);
      }
      done.push(`${op} ${JSON.stringify(b)} at ${at}`);
    }
  }
  setText(c, t);
  c.note(`brackets: ${done.join('; ')}`);
}

function lines(c: Ctx): void {
  const ls = text(c).split('\n');
  const i = int(c.rnd, 0, ls.length - 1);
  const j = int(c.rnd, 0, ls.length - 1);
  const op = pick(c.rnd, ['delete', 'duplicate', 'swap', 'repeat'] as const);
  if (op === 'delete') ls.splice(i, 1);
  else if (op === 'duplicate') ls.splice(j, 0, ls[i]);
  else if (op === 'swap') [ls[i], ls[j]] = [ls[j], ls[i]];
  else ls.splice(i, 0, ...Array(int(c.rnd, 2, 200)).fill(ls[i]));
  setText(c, ls.join('\n'));
  c.note(`lines: ${op} ${i}${op === 'delete' ? '' : `/${j}`}`);
}

function crossover(c: Ctx): void {
  const other = pick(c.rnd, c.corpus);
  const file = pick(c.rnd, other.sources);
  const ls = other.files[file].split('\n');
  const a = int(c.rnd, 0, ls.length - 1);
  const b = Math.min(ls.length, a + int(c.rnd, 1, 40));
  const at = statementSpot(c, shape(c));
  setText(c, splice(text(c), at, 0, ls.slice(a, b).join('\n') + '\n'));
  c.note(`crossover: lines ${a + 1}-${b} of ${other.name}/${file} at ${at}`);
}

function statements(c: Ctx): void {
  const s = shape(c);
  if (!s || s.statementStarts.length < 2) return lines(c);
  const t = text(c);
  const starts = s.statementStarts;
  const k = int(c.rnd, 0, starts.length - 2);
  const [from, to] = [starts[k], starts[k + 1]];
  const op = pick(c.rnd, ['delete', 'duplicate', 'move'] as const);
  const chunk = t.slice(from, to);
  if (op === 'delete') setText(c, splice(t, from, to - from, ''));
  else if (op === 'duplicate') setText(c, splice(t, to, 0, chunk));
  else {
    const rest = splice(t, from, to - from, '');
    const at = Math.min(rest.length, pick(c.rnd, starts));
    setText(c, splice(rest, at, 0, chunk));
  }
  c.note(`statements: ${op} [${from}, ${to})`);
}

/** Comments between tokens: a rewrite must carry each one over. */
function comments(c: Ctx): void {
  const s = shape(c);
  if (!s || !s.tokenGaps.length) return flip(c);
  let t = text(c);
  const near = s.calls.length && chance(c.rnd, 0.7) ? pick(c.rnd, s.callStatements.length ? s.callStatements : s.calls) : null;
  const gaps = near ? s.tokenGaps.filter((g) => g > near[0] - 200 && g < near[1] + 200) : s.tokenGaps;
  const chosen = [...new Set(Array.from({ length: int(c.rnd, 1, 6) }, () => pick(c.rnd, gaps.length ? gaps : s.tokenGaps)))].sort((a, b) => b - a);
  for (const [i, at] of chosen.entries()) {
    const kind = c.rnd();
    const body = kind < 0.4 ? `/* fuzz-keep-${i} */` : kind < 0.8 ? `// fuzz-keep-${i}\n` : `/** fuzz-doc-${i} ${pick(c.rnd, ['ü', '日本', '😀', '\u2028', '$'])} */`;
    t = splice(t, at, 0, body);
  }
  setText(c, t);
  c.note(`comments at ${chosen.join(',')}`);
}

// ---------------------------------------------------------------- deep nesting

/** A `d`-deep expression around `x`. */
function deepExpression(c: Ctx, d: number, x: string, nl: string): { kind: string; code: string } {
  const r = (unit: string) => (unit + nl).repeat(d);
  const join = (sep: string) => Array(d).fill(x).join(sep + nl);
  const kinds: Array<[string, () => string]> = [
    ['parens', () => r('(') + x + r(')')],
    ['arrays', () => r('[') + x + r(']')],
    ['objects', () => r('{ a: ') + x + r(' }')],
    ['arrow-bodies', () => r('() => ') + x],
    ['arrow-blocks', () => r('() => { return ') + x + r('; }')],
    ['calls', () => r('f(') + x + r(')')],
    ['ternaries', () => r(`c ? ${x} :`) + x],
    ['concatenation', () => join(' +')],
    ['logical', () => join(' ||')],
    ['members', () => 'o' + r('.a')],
    ['call-chain', () => 'f' + r('()')],
    ['awaits', () => r('(await ') + x + r(')')],
    ['unary', () => r('!') + x],
    ['templates', () => r('`${') + x + r('}`')],
    ['sequence', () => '(' + join(',') + ')'],
    ['spreads', () => r('{ ...') + x + r(' }')],
    ['functions', () => r('function () { return ') + x + r('; }')],
    ['classes', () => r('class { m() { return ') + x + r('; } }')],
    ['assignments', () => r('(v = ') + x + r(')')],
  ];
  if (allowsJsx(c.target)) kinds.push(['jsx', () => r('<a>') + `{${x}}` + r('</a>')]);
  if (isTs(c.target)) kinds.push(['as-casts', () => x + r(' as any')], ['generics', () => `(null as unknown as ${r('Array<')}string${r('>')})`]);
  const [kind, make] = pick(c.rnd, kinds);
  return { kind, code: make() };
}

/** A `d`-deep statement around `s`. */
function deepStatement(c: Ctx, d: number, s: string, nl: string): { kind: string; code: string } {
  const r = (unit: string) => (unit + nl).repeat(d);
  const kinds: Array<[string, () => string]> = [
    ['blocks', () => r('{') + s + r('}')],
    ['ifs', () => r('if (a) ') + s],
    ['else-ifs', () => r('if (a) {} else ') + s],
    ['function-declarations', () => r('async function f() {') + s + r('}')],
    ['loops', () => r('for (const x of xs) ') + s],
    ['labels', () => Array.from({ length: d }, (_, i) => `l${i}:${nl || ' '}`).join('') + s],
    ['try', () => r('try {') + s + r('} finally {}')],
    ['switches', () => r('switch (a) { case 1: ') + s + r(' }')],
    ['arrow-statement', () => r('const g = async () => { ') + s + r(' };')],
  ];
  const [kind, make] = pick(c.rnd, kinds);
  return { kind, code: make() };
}

function deep(c: Ctx): void {
  const s = shape(c);
  const d = depth(c);
  // On one line a deep construct makes the file look minified (skipped); real deep code spans lines.
  const nl = chance(c.rnd, 0.6) ? '\n' : '';
  const spot = stringSpot(c, s);
  if (spot && chance(c.rnd, 0.5)) {
    const literal = text(c).slice(spot[0], spot[1]);
    const e = deepExpression(c, d, literal.length < 200 ? literal : "'x'", nl);
    setText(c, splice(text(c), spot[0], spot[1] - spot[0], e.code));
    c.note(`deep: ${d} ${e.kind}${nl ? ' (one a line)' : ''} in place of the literal at ${spot[0]}`);
    return;
  }
  const at = statementSpot(c, s);
  if (chance(c.rnd, 0.5)) {
    const e = deepExpression(c, d, "'x'", nl);
    setText(c, splice(text(c), at, 0, `const deep = ${e.code};\n`));
    c.note(`deep: ${d} ${e.kind}${nl ? ' (one a line)' : ''} in a declaration at ${at}`);
  } else {
    const st = deepStatement(c, d, callStatement(c, s), nl);
    setText(c, splice(text(c), at, 0, st.code + '\n'));
    if (st.code.includes('new OpenAI()')) ensureOpenAIImport(c);
    c.note(`deep: ${d} ${st.kind}${nl ? ' (one a line)' : ''} around an LLM call at ${at}`);
  }
}

// ---------------------------------------------------------------- huge and odd literals

function hugeText(c: Ctx): { kind: string; body: string } {
  const kinds: Array<[string, () => string]> = [
    ['MB of letters', () => 'a'.repeat(int(c.rnd, 500_000, 1_600_000))],
    ['spaces', () => ' '.repeat(pick(c.rnd, [5_000, 20_000, 100_000]))],
    ['whitespace mix', () => ' \t'.repeat(pick(c.rnd, [5_000, 20_000, 60_000]))],
    ['newline escapes', () => '\\n'.repeat(pick(c.rnd, [5_000, 50_000]))],
    ['CJK', () => '漢字仮名交じり文'.repeat(pick(c.rnd, [1_000, 10_000, 40_000]))],
    ['CJK with spaces', () => '日本語 のテキスト '.repeat(pick(c.rnd, [1_000, 10_000]))],
    ['emoji', () => '😀👍🏽👨‍👩‍👧'.repeat(pick(c.rnd, [1_000, 20_000]))],
    ['base64', () => 'QUJDRA=='.repeat(pick(c.rnd, [10_000, 100_000]))],
    ['lone surrogates', () => '\ud800x\udfff'.repeat(int(c.rnd, 1, 5000))],
    ['NUL characters', () => '\u0000'.repeat(int(c.rnd, 1, 10))],
    ['NUL escapes', () => '\\0\\x00\\u0000'.repeat(int(c.rnd, 1, 1000))],
    ['BOMs', () => '\ufeff'.repeat(int(c.rnd, 1, 100))],
    ['bidi controls', () => '\u202e\u2066abc\u2069\u202c'.repeat(int(c.rnd, 1, 100))],
    ['line separators', () => '\u2028\u2029'.repeat(int(c.rnd, 1, 1000))],
    ['control characters', () => '\u001b[2J\u0007\u0008'.repeat(int(c.rnd, 1, 200))],
    ['backslashes', () => '\\\\'.repeat(pick(c.rnd, [1_000, 100_000]))],
    ['unicode escapes', () => '\\u{10FFFF}\\uD800\\u0041'.repeat(int(c.rnd, 1, 5000))],
    ['repeated word', () => 'token '.repeat(pick(c.rnd, [10_000, 100_000]))],
  ];
  const [kind, make] = pick(c.rnd, kinds);
  return { kind, body: make() };
}

function huge(c: Ctx): void {
  const s = shape(c);
  const { kind, body } = hugeText(c);
  const spot = stringSpot(c, s);
  const t = text(c);
  if (spot) {
    const literal = t.slice(spot[0], spot[1]);
    const quote = literal[0];
    // Inside a template literal a raw newline is fine; in quotes it ends the literal.
    const safeBody = quote === '`' ? body.replace(/`|\$\{/g, '') : body.replace(/[\n\r]/g, '').split(quote).join('');
    setText(c, splice(t, spot[0], spot[1] - spot[0], quote + safeBody + (quote === '`' || quote === "'" || quote === '"' ? quote : '')));
    c.note(`huge literal: ${kind} (${body.length} code units) in place of the literal at ${spot[0]}`);
    return;
  }
  const at = statementSpot(c, s);
  setText(c, splice(t, at, 0, `const huge = \`${body.replace(/`|\$\{/g, '')}\`;\n`));
  c.note(`huge literal: ${kind} (${body.length} code units) in a declaration at ${at}`);
}

function numbers(c: Ctx): void {
  const s = shape(c);
  const odd = pick(c.rnd, ['1e308', '1e400', '-1', '0', 'NaN', 'Infinity', '-0', '0x7fffffff', '9007199254740993', '1n', '1_000_000', '0.0000001', '1e-400', '0b1111', '0o777', '.5']);
  const t = text(c);
  if (s && s.requestNumbers.length && chance(c.rnd, 0.5)) {
    const r = pick(c.rnd, s.requestNumbers);
    setText(c, splice(t, r[0], r[1] - r[0], odd));
    c.note(`number: ${odd} in place of ${t.slice(r[0], r[1])} at ${r[0]}`);
    return;
  }
  if (s && s.callStatements.length) {
    const r = pick(c.rnd, s.callStatements);
    const comment = pick(c.rnd, [`// batchwise: batch ${odd}/day`, `// batchwise: ${odd}/day`, `// batchwise: batch ${odd}/day ${odd}/day`, `/* batchwise: batch ${odd}/day */`, `// batchwise: batch 99999999999999999999999/day`, '// batchwise:', '// batchwise: batch /day', '// batchwise-ignore-next-line garbage', `// batchwise: user-waiting ${odd}/day`]);
    setText(c, splice(t, r[0], 0, comment + '\n'));
    c.note(`annotation '${comment}' before the call statement at ${r[0]}`);
    return;
  }
  return flip(c);
}

// ---------------------------------------------------------------- line endings, BOM, encodings

function lineEndings(c: Ctx): void {
  const t = text(c).replace(/\r\n?/g, '\n');
  const kind = pick(c.rnd, ['CRLF', 'CR', 'mixed', 'LS', 'CRCRLF'] as const);
  let out: string;
  if (kind === 'CRLF') out = t.replace(/\n/g, '\r\n');
  else if (kind === 'CR') out = t.replace(/\n/g, '\r');
  else if (kind === 'LS') out = t.replace(/\n/g, () => (chance(c.rnd, 0.3) ? '\u2028' : '\n'));
  else if (kind === 'CRCRLF') out = t.replace(/\n/g, '\r\r\n');
  else out = t.replace(/\n/g, () => pick(c.rnd, ['\n', '\r\n', '\r']));
  setText(c, out);
  c.note(`line endings: ${kind}`);
}

function bom(c: Ctx): void {
  const t = text(c);
  const where = pick(c.rnd, ['start', 'twice', 'middle'] as const);
  if (where === 'start') setText(c, '\ufeff' + t.replace(/^\ufeff/, ''));
  else if (where === 'twice') setText(c, '\ufeff\ufeff' + t);
  else setText(c, splice(t, int(c.rnd, 0, t.length), 0, '\ufeff'));
  c.note(`BOM: ${where}`);
}

/** Bytes as a file on disk might hold them; the CLI's reader decodes them. Always the last mutation. */
function encoding(c: Ctx): void {
  const t = text(c);
  const kind = pick(c.rnd, ['utf-16le with BOM', 'utf-16be with BOM', 'utf-16le without BOM', 'latin1', 'invalid utf-8', 'utf-8 BOM', 'encoded surrogates', 'overlong'] as const);
  let buf: Buffer;
  if (kind === 'utf-16le with BOM') buf = Buffer.from('\ufeff' + t, 'utf16le');
  else if (kind === 'utf-16be with BOM') buf = Buffer.from('\ufeff' + t, 'utf16le').swap16();
  else if (kind === 'utf-16le without BOM') buf = Buffer.from(t, 'utf16le');
  else if (kind === 'latin1') buf = Buffer.from(t.replace(/'([^'\n]*)'/, "'café naïve $1'"), 'latin1');
  else if (kind === 'utf-8 BOM') buf = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t, 'utf8')]);
  else {
    const raw = Buffer.from(t, 'utf8');
    const junk = kind === 'invalid utf-8' ? [0xc3, 0x28, 0xff] : kind === 'encoded surrogates' ? [0xed, 0xa0, 0x80] : [0xc0, 0xaf];
    const at = int(c.rnd, 0, raw.length);
    buf = Buffer.concat([raw.subarray(0, at), Buffer.from(junk), raw.subarray(at)]);
  }
  delete c.files[c.target];
  c.bytes[c.target] = buf.toString('base64');
  c.note(`encoding: ${kind}`);
}

// ---------------------------------------------------------------- alias chains, re-export cycles, many calls

const CALL_BODY = `{ model: 'gpt-4o-mini', messages: [{ role: 'user', content: item }] }`;

function aliasChain(c: Ctx): void {
  const n = pick(c.rnd, [300, 1000, 2000, 5000, 10_000]);
  const lines: string[] = [];
  const kind = pick(c.rnd, ['const', 'let-assign', 'completions', 'destructure', 'property', 'wrapper-functions', 'caller-chain', 'conditional', 'var-before-use', 'type-aliases', 'chained-assignment', 'cycle'] as const);
  let call = `await c${n}.chat.completions.create(${CALL_BODY});`;
  let tail = '';
  const ts = isTs(c.target);
  lines.push(`const c0 = new OpenAI();`);
  switch (kind) {
    case 'const':
      for (let i = 1; i <= n; i++) lines.push(`const c${i} = c${i - 1};`);
      break;
    case 'let-assign':
      for (let i = 1; i <= n; i++) lines.push(`let c${i}; c${i} = c${i - 1};`);
      break;
    case 'completions':
      lines.push('const k0 = c0.chat.completions;');
      for (let i = 1; i <= n; i++) lines.push(`const k${i} = k${i - 1};`);
      call = `await k${n}.create(${CALL_BODY});`;
      break;
    case 'destructure':
      for (let i = 1; i <= n; i++) lines.push(`const { x: c${i} } = { x: c${i - 1} };`);
      break;
    case 'property':
      lines.push('const o0 = { c: c0 };');
      for (let i = 1; i <= n; i++) lines.push(`const o${i} = { c: o${i - 1}.c };`);
      call = `await o${n}.c.chat.completions.create(${CALL_BODY});`;
      break;
    case 'wrapper-functions':
      lines.push(`function w0(r${ts ? ': any' : ''}) { return c0.chat.completions.create(r); }`);
      for (let i = 1; i <= n; i++) lines.push(`function w${i}(r${ts ? ': any' : ''}) { return w${i - 1}(r); }`);
      call = `await w${n}(${CALL_BODY});`;
      break;
    case 'caller-chain':
      lines.push(`async function f0(item${ts ? ': string' : ''}) { return c0.chat.completions.create(${CALL_BODY}); }`);
      for (let i = 1; i <= n; i++) lines.push(`async function f${i}(item${ts ? ': string' : ''}) { return f${i - 1}(item); }`);
      call = `await f${n}(item);`;
      break;
    case 'conditional':
      for (let i = 1; i <= n; i++) lines.push(`const c${i} = Math.random() > 0.5 ? c${i - 1} : c${Math.max(0, i - 2)};`);
      break;
    case 'var-before-use':
      for (let i = n; i >= 1; i--) lines.push(`var c${i} = c${i - 1};`);
      break;
    case 'type-aliases':
      if (ts) {
        lines.push('type T0 = OpenAI;');
        for (let i = 1; i <= n; i++) lines.push(`type T${i} = T${i - 1};`);
        lines.push(`async function typed(cl: T${n}, item: string) { return cl.chat.completions.create(${CALL_BODY}); }`);
        call = `await typed(c0, item);`;
      } else {
        for (let i = 1; i <= n; i++) lines.push(`const c${i} = c${i - 1};`);
      }
      break;
    case 'chained-assignment':
      lines.push(`let ${Array.from({ length: n }, (_, i) => `c${i + 1}`).join(', ')};`);
      lines.push(Array.from({ length: n }, (_, i) => `c${n - i} = `).join('') + 'c0;');
      break;
    case 'cycle':
      lines.push(`let a = c0, b = a;`);
      for (let i = 1; i <= n; i++) lines.push(`a = b; b = a;`);
      lines.push(`var c${n} = b;`);
      tail = `function g1(item${ts ? ': any' : ''})${ts ? ': any' : ''} { return g2(item); }\nfunction g2(item${ts ? ': any' : ''})${ts ? ': any' : ''} { return item ? g1(item) : c0.chat.completions.create(${CALL_BODY}); }\n`;
      break;
  }
  const items = ts ? 'items: string[]' : 'items';
  const program = [`import OpenAI from 'openai';`, ...lines, tail, `export async function runChain(${items}) {`, `  for (const item of items) {`, `    ${call}`, `  }`, `}`, `runChain(['a', 'b']);`, ''].join('\n');
  if (chance(c.rnd, 0.5)) {
    setText(c, text(c) + '\n' + program);
    c.note(`alias chain: ${n} ${kind}, appended to the target`);
  } else {
    const file = c.target.replace(/[^/]*$/, `chain-${kind}${c.target.match(/\.[^.]+$/)?.[0] ?? '.ts'}`);
    c.files[file] = program;
    c.target = file;
    c.note(`alias chain: ${n} ${kind}, in a new file ${file}`);
  }
}

function reexportCycle(c: Ctx): void {
  const dir = c.target.includes('/') ? c.target.slice(0, c.target.lastIndexOf('/') + 1) : '';
  const ext = isJs(c.target) ? '.js' : '.ts';
  const kind = pick(c.rnd, ['star', 'named', 'renamed', 'self', 'default', 'require', 'import-export', 'long-chain', 'namespace', 'barrel', 'mutual-callers'] as const);
  const f = (name: string) => `${dir}cyc/${name}${ext}`;
  let use = `import { client } from './cyc/a';\nexport async function viaCycle(items${ext === '.ts' ? ': string[]' : ''}) {\n  for (const item of items) await client.chat.completions.create(${CALL_BODY});\n}\n`;
  switch (kind) {
    case 'star':
      c.files[f('a')] = `export * from './b';\n`;
      c.files[f('b')] = `export * from './a';\nexport * from './c';\n`;
      c.files[f('c')] = `export * from './b';\n`;
      break;
    case 'named':
      c.files[f('a')] = `export { client } from './b';\n`;
      c.files[f('b')] = `export { client } from './a';\n`;
      break;
    case 'renamed':
      c.files[f('a')] = `export { x as client } from './b';\n`;
      c.files[f('b')] = `export { client as x } from './a';\n`;
      break;
    case 'self':
      c.files[f('a')] = `export * from './a';\nexport { client } from './a';\nexport { default } from './a';\n`;
      break;
    case 'default':
      c.files[f('a')] = `export { default } from './b';\n`;
      c.files[f('b')] = `export { default } from './a';\n`;
      use = use.replace(`{ client }`, 'client');
      break;
    case 'require':
      c.files[f('a')] = `module.exports = require('./b');\n`;
      c.files[f('b')] = `module.exports = require('./a');\nmodule.exports.client = require('./a').client;\n`;
      use = use.replace(`import { client } from './cyc/a';`, `const { client } = require('./cyc/a');`);
      break;
    case 'import-export':
      c.files[f('a')] = `import { client } from './b';\nexport { client };\n`;
      c.files[f('b')] = `import { client } from './a';\nexport { client };\n`;
      break;
    case 'long-chain': {
      const n = pick(c.rnd, [20, 100, 300]);
      const real = int(c.rnd, 0, n - 1);
      for (let i = 0; i < n; i++) {
        const next = i === n - 1 ? 'a' : `f${i + 1}`;
        const own = i === real ? `import OpenAI from 'openai';\nexport const client = new OpenAI();\n` : '';
        c.files[f(i === 0 ? 'a' : `f${i}`)] = `${own}export * from './${next}';\n`;
      }
      break;
    }
    case 'namespace':
      c.files[f('a')] = `export * as ns from './b';\nexport { client } from './b';\n`;
      c.files[f('b')] = `export * as ns from './a';\nexport { client } from './a';\n`;
      use = use.replace('client.chat', 'ns.ns.ns.client.chat').replace('{ client }', '{ client, ns }');
      break;
    case 'barrel':
      c.files[`${dir}cyc/index${ext}`] = `export * from './a';\nexport * from '.';\nexport * from './index';\n`;
      c.files[f('a')] = `export * from './index';\nexport * from '..';\n`;
      use = use.replace(`'./cyc/a'`, `'./cyc'`);
      break;
    case 'mutual-callers':
      c.files[f('a')] = `import OpenAI from 'openai';\nimport { pong } from './b';\nexport const client = new OpenAI();\nexport async function ping(item${ext === '.ts' ? ': any' : ''})${ext === '.ts' ? ': Promise<any>' : ''} { return item ? pong(item) : client.chat.completions.create(${CALL_BODY}); }\n`;
      c.files[f('b')] = `import { ping } from './a';\nexport async function pong(item${ext === '.ts' ? ': any' : ''})${ext === '.ts' ? ': Promise<any>' : ''} { return ping(item); }\n`;
      break;
  }
  const user = `${dir}use-cycle${ext}`;
  c.files[user] = use;
  if (chance(c.rnd, 0.5)) c.target = user;
  c.note(`re-export cycle: ${kind}`);
}

function manyCalls(c: Ctx): void {
  const n = pick(c.rnd, [500, 1000, 2000, 4000]);
  const kind = pick(c.rnd, ['top-level', 'loop-body', 'functions', 'promise-all', 'loops'] as const);
  const call = (i: number) => `client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'question ${i}' + item }] })`;
  const body: string[] = [`import OpenAI from 'openai';`, `const client = new OpenAI();`];
  const ts = isTs(c.target);
  if (kind === 'top-level') for (let i = 0; i < n; i++) body.push(`await ${call(i).replace(' + item', '')};`);
  else if (kind === 'loop-body') body.push(`for (const item of ['a', 'b']) {`, ...Array.from({ length: n }, (_, i) => `  await ${call(i)};`), '}');
  else if (kind === 'functions') {
    for (let i = 0; i < n; i++) body.push(`export async function job${i}(item${ts ? ': string' : ''}) { return ${call(i)}; }`);
  } else if (kind === 'promise-all') body.push(`const item = process.argv[2];`, `await Promise.all([`, ...Array.from({ length: n }, (_, i) => `  ${call(i)},`), ']);');
  else for (let i = 0; i < n; i++) body.push(`for (const item of ['a${i}']) { await ${call(i)}; }`);
  const program = body.join('\n') + '\n';
  const file = c.target.replace(/[^/]*$/, `many-${kind}${c.target.match(/\.[^.]+$/)?.[0] ?? '.ts'}`);
  c.files[file] = program;
  c.target = file;
  c.note(`many calls: ${n} ${kind} in ${file}`);
}

// ---------------------------------------------------------------- shapes a fix is offered for

function wrap(c: Ctx): void {
  const s = shape(c);
  if (!s || !s.callStatements.length) return deep(c);
  const r = pick(c.rnd, s.callStatements);
  const t = text(c);
  const stmt = t.slice(r[0], r[1]);
  const ts = isTs(c.target);
  const wrappers = [
    (x: string) => `for (const item of items) {\n${x}\n}`,
    (x: string) => `for (let i = 0; i < items.length; i++) {\n${x}\n}`,
    (x: string) => `await Promise.all(items.map(async (item${ts ? ': any' : ''}) => {\n${x}\n}));`,
    (x: string) => `items.forEach(async (item${ts ? ': any' : ''}) => {\n${x}\n});`,
    (x: string) => `outer: for (const item of items) {\n${x}\n}`,
    (x: string) => `try {\n${x}\n} catch (e) {\n  console.error(e);\n}`,
    (x: string) => `for (const item of items) {\n  try {\n${x}\n  } catch {}\n}`,
    (x: string) => `while (items.length) {\n${x}\n}`,
    (x: string) => `for await (const item of items) {\n${x}\n}`,
    (x: string) => `do {\n${x}\n} while (false);`,
    (x: string) => `for (const item of items) {\n  if (!item) continue;\n${x}\n  console.log(item);\n}`,
    (x: string) => `for (const item of items) /* inline */ {\n  // before the call\n${x} // after the call\n  /* end of body */\n}`,
    (x: string) => `for (const item of items) {\n${x}\n${x}\n}`,
  ];
  const w = int(c.rnd, 0, wrappers.length - 1);
  setText(c, splice(t, r[0], r[1] - r[0], wrappers[w](stmt)));
  c.note(`wrap: the call statement at ${r[0]} in wrapper #${w}`);
}

// ---------------------------------------------------------------- project files

function projectFiles(c: Ctx): void {
  const names = Object.keys(c.files).filter((f) => /(^|\/)(package\.json|tsconfig\.json|vercel\.json|serverless\.yml|netlify\.toml|firebase\.json|wrangler\.toml)$|\.github\/workflows\//.test(f));
  const kind = pick(c.rnd, ['truncate', 'flip', 'odd-json', 'scripts', 'tsconfig-cycle', 'deep-json', 'huge-json'] as const);
  const name = names.length && kind !== 'tsconfig-cycle' ? pick(c.rnd, names) : 'package.json';
  const t = c.files[name] ?? '{}';
  const oddJson = ['null', '[]', '"x"', '1e999', '{"scripts": 5}', '{"scripts": {"a": 5, "b": null}}', '{"bin": []}', '{"bin": {"x": 7}}', '{"type": 7}', '{"main": null}', '{"dependencies": "openai"}', '{"workspaces": {"packages": 3}}', '{"batchwise": {"defaultCallsPerDay": 1e308}}', '{"crons": [{"path": 5, "schedule": null}]}', '{"extends": "./tsconfig.json", "compilerOptions": {"paths": {"*": ["*", "./*"]}, "baseUrl": 7}}', '\ufeff{"scripts": {"x": "node a.js"}}', '{"__proto__": {"x": 1}, "constructor": 5}'];
  switch (kind) {
    case 'truncate':
      c.files[name] = t.slice(0, int(c.rnd, 0, t.length));
      break;
    case 'flip': {
      const at = int(c.rnd, 0, Math.max(0, t.length - 1));
      c.files[name] = splice(t, at, 1, pick(c.rnd, ODD_UNITS));
      break;
    }
    case 'odd-json':
      c.files[name] = pick(c.rnd, oddJson);
      break;
    case 'scripts':
      c.files['package.json'] = JSON.stringify({ name: 'fuzz', type: pick(c.rnd, ['module', 'commonjs', 'weird']), scripts: { a: `node ${c.target}`, b: `tsx ${c.target} && node ${c.target}`, c: 'x'.repeat(100_000), d: '$(' + '('.repeat(5000) }, bin: { [c.target]: c.target, x: '../../../etc/passwd' } });
      break;
    case 'tsconfig-cycle':
      c.files['tsconfig.json'] = JSON.stringify({ extends: './tsconfig.base.json', compilerOptions: { baseUrl: '.', paths: { '@/*': ['./*'], '*': ['./*', '*'] } } });
      c.files['tsconfig.base.json'] = JSON.stringify({ extends: './tsconfig.json', compilerOptions: { module: 'nodenext' } });
      break;
    case 'deep-json':
      c.files[name] = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
      break;
    case 'huge-json':
      c.files[name] = JSON.stringify({ scripts: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`s${i}`, `node ${c.target} ${i}`])) });
      break;
  }
  c.note(`project file: ${kind} ${name}`);
}

function rename(c: Ctx): void {
  const t = text(c);
  const kind = pick(c.rnd, ['extension', 'odd-path'] as const);
  let to: string;
  if (kind === 'extension') to = c.target.replace(/\.[^./]+$/, pick(c.rnd, ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts']));
  else to = pick(c.rnd, ['src/ünïcödé dir/fïlé name.ts', 'src/' + 'deep/'.repeat(100) + 'x.ts', 'src/' + 'x'.repeat(240) + '.ts', 'a b/c#d?e.js', 'src/route.ts', 'app/api/chat/route.ts', 'scripts/backfill.ts', 'pages/api/x.js', 'bin/cli.js', 'evals/x.eval.ts', 'src/__tests__/x.test.ts']);
  if (to === c.target || c.files[to] !== undefined) return flip(c);
  delete c.files[c.target];
  c.files[to] = t;
  c.note(`rename ${c.target} → ${to}`);
  c.target = to;
}

const MUTATORS: Array<[number, string, (c: Ctx) => void]> = [
  [6, 'truncate', truncate],
  [6, 'flip', flip],
  [8, 'brackets', brackets],
  [3, 'lines', lines],
  [4, 'crossover', crossover],
  [4, 'statements', statements],
  [6, 'comments', comments],
  [9, 'deep', deep],
  [7, 'huge', huge],
  [3, 'numbers', numbers],
  [6, 'line-endings', lineEndings],
  [2, 'bom', bom],
  [3, 'encoding', encoding],
  [1, 'alias-chain', aliasChain],
  [4, 're-export-cycle', reexportCycle],
  [0.5, 'many-calls', manyCalls],
  [7, 'wrap', wrap],
  [3, 'project-files', projectFiles],
  [2, 'rename', rename],
];
const TOTAL_WEIGHT = MUTATORS.reduce((n, [w]) => n + w, 0);

/** Mutator names, for the summary. */
export const MUTATOR_NAMES = MUTATORS.map(([, name]) => name);

function pickMutator(rnd: Rnd): [number, string, (c: Ctx) => void] {
  let r = rnd() * TOTAL_WEIGHT;
  for (const m of MUTATORS) if ((r -= m[0]) < 0) return m;
  return MUTATORS[MUTATORS.length - 1];
}

/** Input `index` of the run with `seed`: the same on every machine, for the same fixtures. */
export function generateInput(seed: number, index: number, corpus: SeedProject[] = loadCorpus()): FuzzInput {
  const rnd = prng(streamSeed(seed, index));
  const project = pick(rnd, corpus);
  const withCalls = project.sources.filter((f) => MENTIONS_SDK.test(project.files[f]));
  const target = withCalls.length && chance(rnd, 0.85) ? pick(rnd, withCalls) : pick(rnd, project.sources);
  const mutations: string[] = [];
  const ctx: Ctx = { rnd, files: { ...project.files }, bytes: {}, target, corpus, note: (m) => mutations.push(m) };
  const count = 1 + (chance(rnd, 0.35) ? 1 : 0) + (chance(rnd, 0.1) ? 1 : 0);
  const chosen = Array.from({ length: count }, () => pickMutator(rnd));
  // Raw bytes end the text mutations: nothing after them could edit the file as text.
  chosen.sort((a, b) => Number(a[1] === 'encoding') - Number(b[1] === 'encoding'));
  const kinds: string[] = [];
  for (const [, name, mutate] of chosen) {
    if (ctx.files[ctx.target] === undefined) break;
    kinds.push(name);
    mutate(ctx);
  }
  return {
    seed,
    index,
    origin: project.name,
    files: ctx.files,
    ...(Object.keys(ctx.bytes).length ? { bytes: ctx.bytes } : {}),
    target: ctx.target,
    kinds,
    mutations,
  };
}
