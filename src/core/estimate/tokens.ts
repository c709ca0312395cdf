// Token counts with the model's own encoding (gpt-tokenizer: the tiktoken encodings, in JavaScript,
// with a byte-pair merge that is fast on long pieces). Claude's tokenizer is not public; its counts use
// o200k_base as an approximation, which the estimate states.
import { GptEncoding } from 'gpt-tokenizer/GptEncoding';
import o200kRanks from 'gpt-tokenizer/bpeRanks/o200k_base';
import cl100kRanks from 'gpt-tokenizer/bpeRanks/cl100k_base';
import { CL100K_TOKEN_SPLIT_REGEX, O200K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/encodingParams/constants';

export type EncodingName = 'o200k_base' | 'cl100k_base';

/**
 * Counts elsewhere (an editor hands counting to a worker thread, so that neither building an encoding
 * nor a count holds its main thread). Undefined means "no count": the estimate then approximates the
 * count from the text's length and says so; it never counts on the calling thread instead.
 */
export type TokenCounter = (text: string, encoding: EncodingName) => number | undefined;

const RANKS = { o200k_base: o200kRanks, cl100k_base: cl100kRanks };
const SPLIT = { o200k_base: O200K_TOKEN_SPLIT_REGEX, cl100k_base: CL100K_TOKEN_SPLIT_REGEX };
/** Special-token text ('<|endoftext|>') is ordinary text in a prompt: counted as such, never refused. */
const AS_TEXT = { allowedSpecial: new Set<string>(), disallowedSpecial: new Set<string>() };
/** Pieces whose encoding gpt-tokenizer keeps (its default, 100,000, holds more than a prompt needs). */
const MERGE_CACHE_SIZE = 10_000;
const encoders = new Map<EncodingName, { encoding: GptEncoding; pieces: RegExp }>();
let counter: TokenCounter | null = null;

/** Built on first use: the slow part (about 0.1 s for o200k_base), which an editor does on its worker thread. */
function encoder(name: EncodingName): { encoding: GptEncoding; pieces: RegExp } {
  let e = encoders.get(name);
  if (!e) {
    const encoding = GptEncoding.getEncodingApi(name, () => RANKS[name]);
    encoding.setMergeCacheSize(MERGE_CACHE_SIZE);
    // The encoding's own pre-tokenizer pattern, in a RegExp of our own (its lastIndex is ours to move).
    e = { encoding, pieces: new RegExp(SPLIT[name].source, 'gu') };
    encoders.set(name, e);
  }
  return e;
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
 * Longest pre-tokenizer piece, in UTF-8 bytes, that is byte-pair encoded whole. A byte-pair merge takes
 * time quadratic in a piece's length, and one piece can be any long run: whitespace, letters with no
 * space between them (CJK text, a base64 blob), repeated punctuation. A longer piece is encoded in
 * slices of at most this many bytes, each cut on a character boundary.
 */
export const MAX_PIECE_BYTES = 256;
/** The most a cut inside a long piece changes the count by (the tests check it; README states it). */
export const MAX_ERROR_PER_CUT = 3;
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
  const { encoding: enc } = encoder(encoding);
  let total = 0;
  for (const unit of countingUnits(text, encoding)) total += enc.countTokens(unit, AS_TEXT);
  return total;
}

/**
 * The strings countWithEncoding encodes, in order; together they are the text. Each is a stretch of
 * pre-tokenizer pieces of at most MAX_PIECE_BYTES that the pattern splits as it splits the whole text,
 * a single such piece, or a slice of a longer piece: the byte-pair merge never sees a piece longer than
 * MAX_PIECE_BYTES, so the work is linear in the text.
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

/** A long piece, in slices of at most MAX_PIECE_BYTES bytes cut between characters. */
function* slices(piece: string): Generator<string> {
  let sliceStart = 0;
  let bytes = 0;
  for (let i = 0; i < piece.length; ) {
    const code = piece.codePointAt(i)!;
    const width = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (bytes + width > MAX_PIECE_BYTES) {
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
