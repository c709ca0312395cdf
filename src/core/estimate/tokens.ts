// Token counts with the model's own encoding (js-tiktoken). Claude's tokenizer is not public; its
// counts use o200k_base as an approximation, which the estimate states.
import { Tiktoken } from 'js-tiktoken/lite';
import o200kBase from 'js-tiktoken/ranks/o200k_base';
import cl100kBase from 'js-tiktoken/ranks/cl100k_base';

export type EncodingName = 'o200k_base' | 'cl100k_base';

/**
 * Counts elsewhere (an editor hands the counting to a worker thread, so that loading an encoding,
 * about a second for o200k_base, never holds its main thread). Undefined means "count here instead".
 */
export type TokenCounter = (text: string, encoding: EncodingName) => number | undefined;

const encoders = new Map<EncodingName, Tiktoken>();
let counter: TokenCounter | null = null;

function encoder(name: EncodingName): Tiktoken {
  let e = encoders.get(name);
  if (!e) {
    e = new Tiktoken(name === 'o200k_base' ? o200kBase : cl100kBase);
    encoders.set(name, e);
  }
  return e;
}

/** Routes counting through `c` (null: count in this thread again). */
export function useTokenCounter(c: TokenCounter | null): void {
  counter = c;
}

export function encodingFor(model: string | null): { encoding: EncodingName; exact: boolean } {
  const id = (model ?? '').toLowerCase();
  if (/^(text-embedding-|gpt-4(?!o|\.1)|gpt-3\.5|davinci-002|babbage-002)/.test(id)) return { encoding: 'cl100k_base', exact: true };
  if (/^(gpt-4o|gpt-4\.1|gpt-5|o\d|chatgpt-)/.test(id)) return { encoding: 'o200k_base', exact: true };
  return { encoding: 'o200k_base', exact: false };
}

/** Longest run without whitespace that is encoded whole (see countWithEncoding). */
const MAX_RUN = 256;
const LONG_RUN = new RegExp(`\\S{${MAX_RUN + 1},}`, 'g');

/**
 * Counted in this thread, whatever counter is in use. Never throws: special-token text such as
 * '<|endoftext|>' is counted as ordinary text. BPE on one unbroken run takes time quadratic in its
 * length when its characters repeat (50,000 of one letter take minutes), so a run of over 256
 * characters without whitespace (a base64 blob, a separator line, a minified document) is counted in
 * 256-character slices, which may differ from the exact count by about a token per slice.
 */
export function countWithEncoding(text: string, encoding: EncodingName): number {
  if (text.length === 0) return 0;
  const e = encoder(encoding);
  let sliced = 0;
  const rest = text.replace(LONG_RUN, (run) => {
    for (let i = 0; i < run.length; i += MAX_RUN) sliced += e.encode(run.slice(i, i + MAX_RUN), [], []).length;
    return ' ';
  });
  if (rest === text) return e.encode(text, [], []).length;
  return sliced + (rest.trim() === '' ? 0 : e.encode(rest, [], []).length);
}

/** Never throws: special-token text such as '<|endoftext|>' is counted as ordinary text. */
export function countTokens(text: string, model: string | null): number {
  if (text.length === 0) return 0;
  const { encoding } = encodingFor(model);
  return counter?.(text, encoding) ?? countWithEncoding(text, encoding);
}
