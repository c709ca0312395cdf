// The dated price table and model lookup: exact id, then alias, then the longest id a dated
// snapshot starts with ('gpt-4o-2024-08-06' → 'gpt-4o'). Overrides from settings win.
import table from './prices.json';
import type { PriceRow, Provider } from '../model';
import { PROVIDER_INFO } from '../detect/providers';

export const PRICE_TABLE: readonly PriceRow[] = table.rows as PriceRow[];

export function findPrice(model: string, overrides: readonly PriceRow[] = []): PriceRow | null {
  const id = model.trim().toLowerCase();
  for (const rows of [overrides, PRICE_TABLE]) {
    const exact = rows.find((r) => r.model.toLowerCase() === id || (r.aliases ?? []).some((a) => a.toLowerCase() === id));
    if (exact) return exact;
  }
  for (const rows of [overrides, PRICE_TABLE]) {
    let best: PriceRow | null = null;
    for (const r of rows) {
      for (const name of [r.model, ...(r.aliases ?? [])]) {
        const n = name.toLowerCase();
        if (id.startsWith(n + '-') && (!best || n.length > best.model.length)) best = { ...r, model: r.model };
      }
    }
    if (best) return best;
  }
  return null;
}

/** The price used when the model cannot be read from code: the provider's mid-tier model, said so in the assumptions. */
export const FALLBACK_MODEL: Record<Provider, string> = Object.fromEntries(Object.entries(PROVIDER_INFO).map(([p, info]) => [p, info.fallbackModel])) as Record<Provider, string>;
export const FALLBACK_EMBEDDING_MODEL = 'text-embedding-3-small';

/** The embedding model priced for a provider's embedding call that names none it can read. */
export function fallbackEmbeddingModel(provider: Provider): string {
  return PROVIDER_INFO[provider].fallbackEmbeddingModel ?? FALLBACK_EMBEDDING_MODEL;
}

/** Model ids close to `model`, for "did you mean" messages: same letters ignoring punctuation first, then shared prefixes. */
export function similarModels(model: string, limit = 5): string[] {
  const norm = (x: string) => x.toLowerCase().replace(/[^a-z0-9]/g, '');
  const id = norm(model);
  const ids = PRICE_TABLE.flatMap((r) => [r.model, ...(r.aliases ?? [])]);
  const score = (candidate: string) => {
    const c = norm(candidate);
    if (c === id) return 1000;
    let common = 0;
    while (common < id.length && common < c.length && id[common] === c[common]) common++;
    return common * 10 - Math.abs(c.length - id.length) + (c.includes(id) || id.includes(c) ? 50 : 0);
  };
  return ids
    .map((c) => ({ c, s: score(c) }))
    .filter((x) => x.s > 20)
    .sort((a, b) => b.s - a.s)
    .slice(0, limit)
    .map((x) => x.c);
}
