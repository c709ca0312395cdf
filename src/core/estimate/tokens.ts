// Token counts with the model's own encoding (js-tiktoken). Claude's tokenizer is not public; its
// counts use o200k_base as an approximation, which the estimate states.
import { Tiktoken } from 'js-tiktoken/lite';
import o200kBase from 'js-tiktoken/ranks/o200k_base';
import cl100kBase from 'js-tiktoken/ranks/cl100k_base';

export type EncodingName = 'o200k_base' | 'cl100k_base';

const encoders = new Map<EncodingName, Tiktoken>();

function encoder(name: EncodingName): Tiktoken {
  let e = encoders.get(name);
  if (!e) {
    e = new Tiktoken(name === 'o200k_base' ? o200kBase : cl100kBase);
    encoders.set(name, e);
  }
  return e;
}

export function encodingFor(model: string | null): { encoding: EncodingName; exact: boolean } {
  const id = (model ?? '').toLowerCase();
  if (/^(text-embedding-|gpt-4(?!o|\.1)|gpt-3\.5|davinci-002|babbage-002)/.test(id)) return { encoding: 'cl100k_base', exact: true };
  if (/^(gpt-4o|gpt-4\.1|gpt-5|o\d|chatgpt-)/.test(id)) return { encoding: 'o200k_base', exact: true };
  return { encoding: 'o200k_base', exact: false };
}

/** Never throws: special-token text such as '<|endoftext|>' is counted as ordinary text. */
export function countTokens(text: string, model: string | null): number {
  if (text.length === 0) return 0;
  return encoder(encodingFor(model).encoding).encode(text, [], []).length;
}
