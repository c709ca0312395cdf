// The engine's heavy libraries, loaded on first use: the TypeScript compiler (behind the parser, and for
// tsconfig text and helper transpiling) and the tokenizer's ranks. Nothing else needs them, so a warm
// audit answered from the cache, `--help` or the language server's start never pays for them. The
// bundles put each in a file of its own under dist/vendor/ (scripts/build.mjs), so until one is asked
// for it is not even compiled.
import type * as Estree from '@typescript-eslint/typescript-estree';
import type * as Ts from 'typescript';
import type { TiktokenBPE } from 'js-tiktoken/lite';

// Module loading, not a Node API: the engine stays free of Node built-ins (src/core/tsconfig.json).
declare function require(id: string): unknown;

let estree: typeof Estree | undefined;
let ts: typeof Ts | undefined;

export function typescriptEstree(): typeof Estree {
  return (estree ??= require('@typescript-eslint/typescript-estree') as typeof Estree);
}

export function typescript(): typeof Ts {
  return (ts ??= require('typescript') as typeof Ts);
}

export function tiktokenLite(): typeof import('js-tiktoken/lite') {
  return require('js-tiktoken/lite') as typeof import('js-tiktoken/lite');
}

/** A tiktoken encoding's ranks (a few MB of text each): required when that encoding is first built. */
export function tiktokenRanks(name: 'o200k_base' | 'cl100k_base'): TiktokenBPE {
  // Literal specifiers, so that a bundler sees both.
  const mod = (name === 'o200k_base' ? require('js-tiktoken/ranks/o200k_base') : require('js-tiktoken/ranks/cl100k_base')) as { default?: TiktokenBPE } & TiktokenBPE;
  return mod.default ?? mod;
}
