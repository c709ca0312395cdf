// Token counts with the model's own encoding (js-tiktoken: the tiktoken encodings, in JavaScript).
// Claude's tokenizer is not public; its counts use o200k_base as an approximation, which the estimate states.
import type { Tiktoken } from 'js-tiktoken/lite';
import { tiktokenLite, tiktokenRanks } from '../heavy';

export type EncodingName = 'o200k_base' | 'cl100k_base';

/**
 * Counts elsewhere (an editor hands counting to a worker thread, so that neither building an encoding
 * nor a count holds its main thread). Undefined means "no count": the estimate then approximates the
 * count from the text's length and says so; it never counts on the calling thread instead.
 */
export type TokenCounter = (text: string, encoding: EncodingName) => number | undefined;

interface Encoder {
  encoding: Tiktoken;
  /** The encoding's own pre-tokenizer pattern, in a RegExp of our own (its lastIndex is ours to move). */
  pieces: RegExp;
  /** Counts of slices of long pieces lately encoded: a run of one repeated character is encoded once. */
  slices: Map<string, number>;
}
const SLICE_MEMO_SIZE = 4096;
const encoders = new Map<EncodingName, Encoder>();
let counter: TokenCounter | null = null;

/** Built on first use: the slow part (about a second for o200k_base), which an editor does on its worker thread. */
function encoder(name: EncodingName): Encoder {
  let e = encoders.get(name);
  if (!e) {
    const ranks = tiktokenRanks(name);
    const encoding = new (tiktokenLite().Tiktoken)(ranks);
    // Batchwise counts and never decodes: the decode table (rank → bytes, one small typed array per
    // token) is half of what an encoding holds, 46 MB of o200k_base's 170. js-tiktoken 1.0.x keeps it in
    // `textMap`, which only decode() reads.
    const decodeTable = (encoding as unknown as { textMap?: unknown }).textMap;
    if (decodeTable instanceof Map) decodeTable.clear();
    e = { encoding, pieces: new RegExp(ranks.pat_str, 'gu'), slices: new Map() };
    encoders.set(name, e);
  }
  return e;
}

/** Special-token text ('<|endoftext|>') is ordinary text in a prompt: counted as such, never refused. */
function encodedLength(e: Encoder, text: string): number {
  return e.encoding.encode(text, [], []).length;
}

/** Routes counting through `c` (null: count in this thread again, as the CLI does). */
export function useTokenCounter(c: TokenCounter | null): void {
  counter = c;
}

export function encodingFor(model: string | null): { encoding: EncodingName; exact: boolean } {
  const id = (model ?? '').toLowerCase();
  if (/^(text-embedding-|gpt-4(?!o|\.1)|gpt-3\.5|davinci-002|babbage-002)/.test(id)) return { encoding: 'cl100k_base', exact: true };
  if (/^(gpt-4o|gpt-4\.1|gpt-5|o\d|chatgpt-)/.test(id)) return { encoding: 'o200k_base', exact: true };
  return { encoding: 'o200k_base', exact: false };
}

/**
 * Longest pre-tokenizer piece, in UTF-8 bytes, that is byte-pair encoded whole. js-tiktoken's merge
 * takes time quadratic in a piece's length, and one piece can be any long run: whitespace, letters with
 * no space between them (CJK text, a base64 blob), repeated punctuation. A longer piece is encoded in
 * slices of SLICE_BYTES, each cut on a character boundary.
 */
export const MAX_PIECE_BYTES = 64;
/** Longest slice of a long piece: the merge's time per byte grows with it (bench/tokens.ts), the count's error per byte shrinks. */
export const SLICE_BYTES = 32;
/** The most a cut inside a long piece changes the count by (the tests check it; README states it). */
export const MAX_ERROR_PER_CUT = 3;
/** Units this short are remembered with their count (a long run of one character is mostly equal slices). */
const MEMO_MAX_CHARS = SLICE_BYTES;
/** Short pieces are encoded together, in stretches of about this many characters. */
const STRETCH = 2048;
/**
 * Longest text counted: past it, the count of its first MAX_COUNTED_CHARS characters is scaled to its
 * whole length (the estimate says so). Counting is linear, so this bounds the time of one count.
 */
export const MAX_COUNTED_CHARS = 64_000;

const WHITESPACE = /\s/;

/**
 * Counted in this thread, whatever counter is in use. Never throws: special-token text such as
 * '<|endoftext|>' is counted as ordinary text. Time is linear in the text's length for every input.
 *
 * Exact wherever no pre-tokenizer piece is longer than MAX_PIECE_BYTES: the text is split with the
 * encoding's own pattern, and short pieces are encoded in stretches that end only where the pattern
 * splits the stretch as it splits the whole text (see `cutHere`). A longer piece is counted in slices;
 * each cut between two slices may change the count by a few tokens: at most MAX_ERROR_PER_CUT, the
 * bound the tests check on whitespace, CJK, Hangul, base64, one repeated letter, repeated punctuation,
 * uppercase runs, emoji and long compound words.
 */
export function countWithEncoding(text: string, encoding: EncodingName): number {
  const e = encoder(encoding);
  let total = 0;
  for (const unit of countingUnits(text, encoding)) {
    if (unit.length > MEMO_MAX_CHARS) {
      total += encodedLength(e, unit);
      continue;
    }
    let n = e.slices.get(unit);
    if (n === undefined) {
      n = encodedLength(e, unit);
      if (e.slices.size >= SLICE_MEMO_SIZE) e.slices.delete(e.slices.keys().next().value!);
      e.slices.set(unit, n);
    }
    total += n;
  }
  return total;
}

/**
 * The strings countWithEncoding encodes, in order; together they are the text. Each is a stretch of
 * pre-tokenizer pieces of at most MAX_PIECE_BYTES that the pattern splits as it splits the whole text,
 * a single such piece, or a slice (of at most SLICE_BYTES) of a longer piece: the byte-pair merge never
 * sees a piece longer than MAX_PIECE_BYTES, so the work is linear in the text.
 */
export function* countingUnits(text: string, encoding: EncodingName): Generator<string> {
  if (text.length === 0) return;
  const { pieces } = encoder(encoding);
  let from = 0; // start of the stretch of short pieces not yet handed out
  let safeEnd = 0; // the last place in it where the stretch may end (see cutHere)
  let tail: string[] = []; // the pieces after safeEnd
  pieces.lastIndex = 0;
  for (let m = pieces.exec(text); m !== null; m = pieces.exec(text)) {
    const piece = m[0];
    const end = m.index + piece.length;
    if (piece.length === 0) {
      pieces.lastIndex++; // the pattern matches no empty piece; guard against a loop all the same
      continue;
    }
    if (piece.length * 3 > MAX_PIECE_BYTES && utf8Length(piece) > MAX_PIECE_BYTES) {
      if (safeEnd > from) yield text.slice(from, safeEnd);
      // A piece encoded alone is split as itself, whatever follows it in the text.
      yield* tail;
      yield* slices(piece);
      from = safeEnd = end;
      tail = [];
    } else if (cutHere(text, end)) {
      safeEnd = end;
      tail = [];
      if (end - from >= STRETCH) {
        yield text.slice(from, end);
        from = end;
      }
    } else {
      tail.push(piece);
    }
  }
  // The end of the text is a place any stretch may end.
  if (from < text.length) yield text.slice(from);
}

/**
 * Whether a stretch may end at `at`: encoded alone, it is split into the same pieces as in the whole
 * text. The pattern looks ahead only in `\s+(?!\S)`, whose lookahead sees the end of a stretch where
 * the whole text goes on; that changes nothing unless the stretch ends in whitespace and the text goes
 * on with something else.
 */
function cutHere(text: string, at: number): boolean {
  return at >= text.length || !WHITESPACE.test(text[at - 1]) || WHITESPACE.test(text[at]);
}

/** A long piece, in slices of at most SLICE_BYTES bytes cut between characters. */
function* slices(piece: string): Generator<string> {
  let sliceStart = 0;
  let bytes = 0;
  for (let i = 0; i < piece.length; ) {
    const code = piece.codePointAt(i)!;
    const width = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (bytes + width > SLICE_BYTES) {
      yield piece.slice(sliceStart, i);
      sliceStart = i;
      bytes = 0;
    }
    bytes += width;
    i += code < 0x10000 ? 1 : 2;
  }
  yield piece.slice(sliceStart);
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * How a count was obtained: 'counted'; 'extrapolated' (a text over MAX_COUNTED_CHARS, or over what its
 * file had left to count, counted up to there and scaled); 'not-counted' (the counter gave no count);
 * 'over-budget' (its file had used up FILE_COUNT_BUDGET_CHARS). The estimate states all but the first.
 */
export type CountBasis = 'counted' | 'extrapolated' | 'not-counted' | 'over-budget';

export interface TokenCount {
  tokens: number;
  basis: CountBasis;
  /** Characters counted, when fewer than the text has. */
  countedChars?: number;
}

/** What one file may still have counted, in characters; shared by the call sites of a file in one analysis. */
export interface CountBudget {
  chars: number;
}

/** Characters counted per file and analysis: with the slowest rate counted (bench/tokens.ts), this bounds a file's counting time. */
export const FILE_COUNT_BUDGET_CHARS = 128_000;
/** Below this many characters a count is not worth scaling up: the text is approximated instead. */
const MIN_SAMPLE_CHARS = 4096;
/** Without a count: a token per four bytes of UTF-8, about English prose's rate. */
export const APPROXIMATE_BYTES_PER_TOKEN = 4;

/** Long texts counted lately (a constant many calls share is counted once, and costs its file's budget once). */
const recent = new Map<string, TokenCount>();
const RECENT_MAX = 16;
const RECENT_MIN_CHARS = 1024;
const RECENT_MAX_CHARS = 256_000;

/** Creates the budget of one file for one analysis. */
export function fileCountBudget(): CountBudget {
  return { chars: FILE_COUNT_BUDGET_CHARS };
}

/**
 * The token count of a prompt text for a model, and how it was obtained. Through the installed counter
 * when there is one (a worker thread); when it gives no count, the count is approximated from the
 * length, never computed on this thread. A text over MAX_COUNTED_CHARS (or over what `budget` has
 * left) is counted up to there and scaled. Never throws.
 */
export function countPromptTokens(text: string, model: string | null, budget?: CountBudget): TokenCount {
  if (text.length === 0) return { tokens: 0, basis: 'counted' };
  const { encoding } = encodingFor(model);
  const key = text.length >= RECENT_MIN_CHARS && text.length <= RECENT_MAX_CHARS ? `${encoding}\u0000${text}` : null;
  const known = key === null ? undefined : recent.get(key);
  if (known) return known;
  const approximate = (basis: CountBasis): TokenCount => ({ tokens: Math.ceil(utf8Length(text) / APPROXIMATE_BYTES_PER_TOKEN), basis });
  const allowed = Math.min(MAX_COUNTED_CHARS, budget ? Math.max(0, budget.chars) : Infinity);
  if (allowed < Math.min(text.length, MIN_SAMPLE_CHARS)) return approximate('over-budget');
  let sample = text;
  if (text.length > allowed) sample = text.slice(0, allowed - (/[\ud800-\udbff]/.test(text[allowed - 1]) ? 1 : 0));
  if (budget) budget.chars -= sample.length;
  const n = counter ? counter(sample, encoding) : countWithEncoding(sample, encoding);
  if (n === undefined) return approximate('not-counted');
  const result: TokenCount =
    sample === text ? { tokens: n, basis: 'counted' } : { tokens: Math.round((n * text.length) / sample.length), basis: 'extrapolated', countedChars: sample.length };
  if (key !== null) {
    if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!);
    recent.set(key, result);
  }
  return result;
}

/** The token count alone (see countPromptTokens). */
export function countTokens(text: string, model: string | null): number {
  return countPromptTokens(text, model).tokens;
}
