// Calibrates the estimates with the providers' usage reports. Each model's measured non-batch usage is
// shared over the call sites that use that model, in proportion to their static estimates (requests by
// calls per day, input tokens by input tokens per day, output by output per day), so the sites of a
// model add up to what the report measured. The reconciliation then splits the measured spend into
// what already runs on batch, what runs on sites Batchwise calls batchable, on the other sites, and on
// models no call site uses.
import type {
  AnalysisOptions, AnalysisResult, Estimate, Finding, ModelReconciliation, ModelUsage, PriceRow, Provider, UsageReconciliation, UsageTotals,
} from '../model';
import { findPrice } from './prices';
import { callsPerDayText, DAYS_PER_MONTH, volumeCalls } from './estimate';
import { DAY_MS, emptyTotals, hasUsage, UsageFile } from './usage';
import { isLowVolume, lowVolumeEvidence } from './lowVolume';

/** USD per 1M tokens of each kind, for one tier (standard or batch). */
export interface UsageRates {
  uncached: number;
  cached: number;
  write5m: number;
  write1h: number;
  output: number;
}

export interface UsagePeriod {
  start: number;
  end: number;
  /** First and last UTC day, both inclusive. */
  from: string;
  to: string;
  days: number;
}

export interface UsageSummary {
  files: string[];
  models: ModelUsage[];
  periods: Partial<Record<Provider, UsagePeriod>>;
  overall: UsagePeriod;
  notes: string[];
}

/** What a model's usage gives each of its sites; kept so a later analysis of a few files can be calibrated alike. */
export interface ModelCalibration {
  provider: Provider;
  model: string;
  period: UsagePeriod;
  files: string[];
  /** Non-batch usage per day. */
  perDay: UsageTotals;
  standard: UsageRates;
  batch: UsageRates;
  priceNotes: string[];
  /** The sums of the static weights of the sites that use the model, over the whole workspace. */
  weights: { requests: number; input: number; output: number };
  sites: number;
}

export interface Calibration {
  /** By `provider|model` (the price-table model where there is one). */
  models: Map<string, ModelCalibration>;
  /** Providers the reports cover: a site of another provider is not "without usage", just not covered. */
  providers: Set<Provider>;
  overrides: readonly PriceRow[];
}

// Documented on https://platform.claude.com/docs/en/about-claude/pricing (prompt caching): a cache
// read costs 0.1× the input price where no model-specific price is on file, a 5-minute cache write
// 1.25×, a 1-hour write 2×; the multipliers stack with the Batch API's discount.
const ANTHROPIC_CACHE = { read: 0.1, write5m: 1.25, write1h: 2 } as const;
const PRICING_PAGE = { anthropic: 'https://platform.claude.com/docs/en/about-claude/pricing', openai: 'https://platform.openai.com/docs/pricing' } as const;

const NOTES = {
  ungroupedBatch: (file: string, provider: Provider) =>
    `${file} is not grouped by ${provider === 'openai' ? 'batch' : 'service tier'}: its batch usage, if any, is counted as not on batch (save it again with group_by=${provider === 'openai' ? 'batch' : 'service_tier'})`,
  periodFromRows: (file: string, from: string, to: string) =>
    `${file} lists only days with usage, so its period is read as its first to its last day (${from} – ${to}); days without usage before or after it are not counted`,
  missingPages: (file: string, after: string) => `${file} says more pages follow (has_more), but no later page was given: usage after ${after} is missing (request the next page with page=<next_page>)`,
  duplicates: (n: number) => `${n.toLocaleString('en-US')} result${n === 1 ? '' : 's'} appeared in more than one file (the same bucket and group) and ${n === 1 ? 'was' : 'were'} counted once`,
  overlap: (provider: Provider) => `${providerName(provider)} files cover overlapping time with buckets that differ (an hourly and a daily report of the same day?): usage in the overlap may be counted twice`,
  periods: (parts: string[]) => `the reports cover different periods (${parts.join('; ')}): each model's per-day figures use its own provider's period`,
  otherTiers: (tiers: string[]) => `usage on the ${tiers.join(', ')} tier${tiers.length === 1 ? '' : 's'} is priced at the standard price, which that tier may not charge`,
  cachedAssumed: (model: string, rate: number, provider: Provider) =>
    provider === 'anthropic'
      ? `no cache-read price on file for ${model}: cached input priced at 0.1× its input price ($${fmtPrice(rate)} per 1M), as ${PRICING_PAGE.anthropic} documents`
      : `no cached-input price on file for ${model}: cached input priced as uncached input ($${fmtPrice(rate)} per 1M), which overstates it`,
  openAiCacheWrites: (model: string) => `${model}: cache writes priced as uncached input (the price table has no cache-write price)`,
  batchOnCached: (provider: Provider) =>
    provider === 'anthropic'
      ? 'cache reads and writes on batch get the batch discount on top of their cache price (the multipliers stack, as the pricing page documents)'
      : 'cached input on batch is priced at the cached price with the batch discount on top',
} as const;

const SITE = {
  volume: (calls: number, model: string, from: string, to: string, measured: string, sites: number, share: number) =>
    `Volume: ${callsPerDayText(round2(calls))}, from the usage report (${from} – ${to}): ${model}'s ${measured} not on batch, shared over its ${sites} call site${sites === 1 ? '' : 's'} in proportion to their static estimates (this site ${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%).`,
  derived: (inPerCall: number, outPerCall: number) =>
    `Anthropic's usage report has no request counts: requests derived from this site's share of the tokens divided by its static per-call estimate (${fmt(inPerCall)} in + ${fmt(outPerCall)} out).`,
  noDerive: 'Anthropic\'s usage report has no request counts and this site\'s static per-call estimate is 0 tokens: its calls per day stay as estimated.',
  tokens: (input: number, cached: number, written: number, output: number) =>
    `Tokens per call, measured: ${fmt(input)} in (${fmt(cached)} read from the cache${written > 0 ? `, ${fmt(written)} written to it` : ''}), ${fmt(output)} out.`,
  prices: (model: string, s: UsageRates, b: UsageRates, source: string) =>
    `Prices for ${model} per 1M tokens: $${fmtPrice(s.uncached)} in, $${fmtPrice(s.cached)} cached, $${fmtPrice(s.output)} out standard; $${fmtPrice(b.uncached)} / $${fmtPrice(b.cached)} / $${fmtPrice(b.output)} on batch (${source}).`,
  staticBasis: (calls: number, input: number, output: number) =>
    `Static estimate behind the share: ${callsPerDayText(round2(calls))} × ${fmt(input)} in + ${fmt(output)} out tokens.`,
} as const;

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function sentence(s: string): string {
  return s[0].toUpperCase() + s.slice(1) + '.';
}

function fmtPrice(n: number): string {
  return Number(n.toFixed(6)).toString();
}

function round2(n: number): number {
  return Number(n.toFixed(2));
}

function providerName(p: Provider): string {
  return p === 'openai' ? 'OpenAI' : 'Anthropic';
}

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function period(start: number, end: number): UsagePeriod {
  return { start, end, from: utcDay(start), to: utcDay(end - 1), days: (end - start) / DAY_MS };
}

/** The id a model is matched and aggregated under: its price-table row's, else the id itself. */
export function usageModelKey(provider: Provider, model: string, overrides: readonly PriceRow[]): { key: string; model: string; price: PriceRow | null } {
  const price = findPrice(model, overrides);
  const row = price && price.provider === provider ? price : null;
  const id = row ? row.model : model.trim().toLowerCase();
  return { key: `${provider}|${id}`, model: id, price: row };
}

function add(into: UsageTotals, t: UsageTotals): void {
  if (t.requests !== null) into.requests = (into.requests ?? 0) + t.requests;
  into.inputUncached += t.inputUncached;
  into.inputCached += t.inputCached;
  into.cacheWrite5m += t.cacheWrite5m;
  into.cacheWrite1h += t.cacheWrite1h;
  into.output += t.output;
}

function scale(t: UsageTotals, k: number): UsageTotals {
  return {
    requests: t.requests === null ? null : t.requests * k,
    inputUncached: t.inputUncached * k,
    inputCached: t.inputCached * k,
    cacheWrite5m: t.cacheWrite5m * k,
    cacheWrite1h: t.cacheWrite1h * k,
    output: t.output * k,
  };
}

function tokens(t: UsageTotals): number {
  return t.inputUncached + t.inputCached + t.cacheWrite5m + t.cacheWrite1h + t.output;
}

/** USD for the tokens at the rates. */
export function usageCost(t: UsageTotals, r: UsageRates): number {
  return (t.inputUncached * r.uncached + t.inputCached * r.cached + t.cacheWrite5m * r.write5m + t.cacheWrite1h * r.write1h + t.output * r.output) / 1e6;
}

/** Standard and batch rates of every token kind for a price row; notes say which were not on file. */
export function usageRates(provider: Provider, row: PriceRow): { standard: UsageRates; batch: UsageRates; notes: string[] } {
  const notes: string[] = [];
  let cached = row.cachedInput;
  if (cached === undefined) {
    cached = provider === 'anthropic' ? row.input * ANTHROPIC_CACHE.read : row.input;
    notes.push(NOTES.cachedAssumed(row.model, cached, provider));
  }
  const standard: UsageRates =
    provider === 'anthropic'
      ? { uncached: row.input, cached, write5m: row.input * ANTHROPIC_CACHE.write5m, write1h: row.input * ANTHROPIC_CACHE.write1h, output: row.output }
      : { uncached: row.input, cached, write5m: row.input, write1h: row.input, output: row.output };
  // The batch discount applies to every input kind alike: the batch input price over the standard one.
  const k = row.input > 0 ? row.batchInput / row.input : 1;
  const batch: UsageRates = { uncached: row.batchInput, cached: cached * k, write5m: standard.write5m * k, write1h: standard.write1h * k, output: row.batchOutput };
  return { standard, batch, notes };
}

/** Merges the parsed files: duplicates counted once, usage summed per model and tier, and what the reader must know. */
export function summarizeUsage(files: readonly UsageFile[], overrides: readonly PriceRow[] = []): UsageSummary | null {
  const buckets = files.flatMap((f) => f.buckets.map(([s, e]) => ({ provider: f.provider, s, e })));
  if (buckets.length === 0) return null;
  const notes: string[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  const models = new Map<string, ModelUsage>();
  const otherTiers = new Set<string>();
  for (const file of files) {
    if (file.ungroupedBatch) notes.push(NOTES.ungroupedBatch(file.file, file.provider));
    if (file.periodFromRows && file.buckets.length > 0) {
      notes.push(NOTES.periodFromRows(file.file, utcDay(Math.min(...file.buckets.map(([s]) => s))), utcDay(Math.max(...file.buckets.map(([, e]) => e)) - 1)));
    }
    for (const row of file.rows) {
      if (seen.has(row.key)) {
        if (hasUsage(row.totals)) duplicates++;
        continue;
      }
      seen.add(row.key);
      if (!row.model || !hasUsage(row.totals)) continue;
      const { key, model, price } = usageModelKey(row.provider, row.model, overrides);
      let m = models.get(key);
      if (!m) {
        const requests = row.provider === 'openai' ? 0 : null;
        m = { provider: row.provider, model, reportedIds: [], priced: price !== null, standard: emptyTotals(requests), batch: emptyTotals(requests) };
        models.set(key, m);
      }
      if (!m.reportedIds.includes(row.model)) m.reportedIds.push(row.model);
      add(row.batch ? m.batch : m.standard, row.totals);
      if (!row.batch && row.serviceTier && !['standard', 'default', 'auto'].includes(row.serviceTier.toLowerCase())) otherTiers.add(row.serviceTier);
    }
  }
  if (duplicates > 0) notes.push(NOTES.duplicates(duplicates));
  if (otherTiers.size > 0) notes.push(NOTES.otherTiers([...otherTiers].sort()));

  const periods: Partial<Record<Provider, UsagePeriod>> = {};
  for (const provider of ['openai', 'anthropic'] as const) {
    const own = buckets.filter((b) => b.provider === provider);
    if (own.length === 0) continue;
    periods[provider] = period(Math.min(...own.map((b) => b.s)), Math.max(...own.map((b) => b.e)));
    // Distinct buckets that overlap: two reports of different widths over the same time.
    const distinct = [...new Map(own.map((b) => [`${b.s}|${b.e}`, b])).values()].sort((a, b) => a.s - b.s || a.e - b.e);
    if (distinct.some((b, i) => i > 0 && b.s < distinct[i - 1].e)) notes.push(NOTES.overlap(provider));
  }
  for (const file of files) {
    if (!file.hasMore || file.buckets.length === 0) continue;
    const last = Math.max(...file.buckets.map(([, e]) => e));
    const later = files.some((f) => f !== file && f.provider === file.provider && f.buckets.some(([s]) => s >= last));
    if (!later) notes.push(NOTES.missingPages(file.file, utcDay(last - 1)));
  }
  const ranges = (Object.entries(periods) as [Provider, UsagePeriod][]).map(([p, r]) => ({ p, r }));
  if (ranges.length > 1 && (ranges[0].r.start !== ranges[1].r.start || ranges[0].r.end !== ranges[1].r.end)) {
    notes.push(NOTES.periods(ranges.map(({ p, r }) => `${providerName(p)} ${r.from} – ${r.to}`)));
  }
  const overall = period(Math.min(...buckets.map((b) => b.s)), Math.max(...buckets.map((b) => b.e)));
  const sorted = [...models.values()].sort((a, b) => a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model));
  return { files: files.map((f) => f.file), models: sorted, periods, overall, notes };
}

/** The static figures a site's share is weighed by. */
function weightsOf(e: Estimate): { requests: number; input: number; output: number } {
  // A per-run site weighs as one run a day: the report's measured days say how often it really ran.
  const calls = volumeCalls(e);
  return { requests: calls, input: calls * e.inputTokens, output: calls * e.outputTokens };
}

function isStatic(f: Finding): f is Finding & { estimate: Estimate } {
  return f.estimate !== null && f.estimate.volume.kind !== 'usage-report';
}

/** Per model: the measured non-batch usage per day and the sum of the static weights of the sites that use it. */
export function buildCalibration(findings: readonly Finding[], summary: UsageSummary, options: AnalysisOptions): Calibration {
  const models = new Map<string, ModelCalibration>();
  for (const m of summary.models) {
    if (!m.priced) continue;
    const { key, price } = usageModelKey(m.provider, m.model, options.priceOverrides);
    const p = summary.periods[m.provider]!;
    const rates = usageRates(m.provider, price!);
    models.set(key, {
      provider: m.provider,
      model: m.model,
      period: p,
      files: summary.files,
      perDay: scale(m.standard, 1 / p.days),
      standard: rates.standard,
      batch: rates.batch,
      priceNotes: rates.notes,
      weights: { requests: 0, input: 0, output: 0 },
      sites: 0,
    });
  }
  for (const f of findings) {
    if (!isStatic(f) || !f.site.model) continue;
    const entry = models.get(usageModelKey(f.site.provider, f.site.model, options.priceOverrides).key);
    if (!entry) continue;
    const w = weightsOf(f.estimate);
    entry.weights.requests += w.requests;
    entry.weights.input += w.input;
    entry.weights.output += w.output;
    entry.sites++;
  }
  return { models, providers: new Set(summary.models.map((m) => m.provider).concat(Object.keys(summary.periods) as Provider[])), overrides: options.priceOverrides };
}

function share(part: number, whole: number, fallback: number): number {
  return whole > 0 ? part / whole : fallback;
}

function calibratedEstimate(f: Finding & { estimate: Estimate }, c: ModelCalibration): Estimate {
  const e = f.estimate;
  const w = weightsOf(e);
  const byCount = share(1, c.sites, 1);
  const sReq = share(w.requests, c.weights.requests, byCount);
  const sIn = share(w.input, c.weights.input, sReq);
  const sOut = share(w.output, c.weights.output, sReq);
  const day: UsageTotals = {
    requests: c.perDay.requests === null ? null : c.perDay.requests * sReq,
    inputUncached: c.perDay.inputUncached * sIn,
    inputCached: c.perDay.inputCached * sIn,
    cacheWrite5m: c.perDay.cacheWrite5m * sIn,
    cacheWrite1h: c.perDay.cacheWrite1h * sIn,
    output: c.perDay.output * sOut,
  };
  const inputPerDay = day.inputUncached + day.inputCached + day.cacheWrite5m + day.cacheWrite1h;
  const assumptions: string[] = [];
  let calls: number;
  let measured: string;
  if (day.requests !== null) {
    calls = day.requests;
    measured = `${fmt(c.perDay.requests!)} requests/day`;
  } else {
    measured = `${fmt(tokens(c.perDay))} tokens/day`;
    const perCall = e.inputTokens + e.outputTokens;
    calls = perCall > 0 ? (inputPerDay + day.output) / perCall : e.callsPerDay;
  }
  assumptions.push(SITE.volume(calls, c.model, c.period.from, c.period.to, measured, c.sites, sReq));
  if (day.requests === null) assumptions.push(e.inputTokens + e.outputTokens > 0 ? SITE.derived(e.inputTokens, e.outputTokens) : SITE.noDerive);
  const perCall = (n: number) => (calls > 0 ? n / calls : 0);
  const inputTokens = calls > 0 ? perCall(inputPerDay) : e.inputTokens;
  const outputTokens = calls > 0 ? perCall(day.output) : e.outputTokens;
  assumptions.push(SITE.tokens(inputTokens, perCall(day.inputCached), perCall(day.cacheWrite5m + day.cacheWrite1h), outputTokens));
  assumptions.push(SITE.prices(c.model, c.standard, c.batch, PRICING_PAGE[c.provider as keyof typeof PRICING_PAGE] ?? ''));
  for (const n of c.priceNotes) assumptions.push(sentence(n));
  if (day.inputCached + day.cacheWrite5m + day.cacheWrite1h > 0) assumptions.push(sentence(NOTES.batchOnCached(c.provider)));
  assumptions.push(SITE.staticBasis(volumeCalls(e), e.inputTokens, e.outputTokens));
  // What the static estimate said besides its volume and month (model fallbacks, tokenizer notes) still holds.
  for (const a of e.assumptions) if (!/^(Volume:|A month is|Prices for )/.test(a)) assumptions.push(`(static) ${a}`);
  assumptions.push(`A month is ${DAYS_PER_MONTH} days.`);
  const standard = usageCost(day, c.standard) * DAYS_PER_MONTH;
  const batch = usageCost(day, c.batch) * DAYS_PER_MONTH;
  return {
    callsPerDay: calls,
    volume: { kind: 'usage-report', from: c.period.from, to: c.period.to, files: [...c.files] },
    inputTokens,
    outputTokens,
    monthlyStandard: standard,
    monthlyBatch: batch,
    monthlySavings: standard - batch,
    assumptions,
  };
}

/**
 * The findings with the usage report's volume on every site whose model it shows; the others as they
 * were. Low volume is decided again on the new volume. Findings are copied, never changed.
 */
export function applyCalibration(findings: readonly Finding[], calibration: Calibration, options: AnalysisOptions): Finding[] {
  const threshold = options.lowVolumeThreshold ?? 0;
  return findings.map((f) => {
    if (!isStatic(f) || !f.site.model) return f;
    const c = calibration.models.get(usageModelKey(f.site.provider, f.site.model, calibration.overrides).key);
    if (!c || c.sites === 0) return f;
    const estimate = calibratedEstimate(f, c);
    const lowVolume = isLowVolume(f.classification.verdict, estimate, threshold);
    const evidence = f.classification.evidence.filter((x) => x.rule !== 'low-volume');
    if (lowVolume) evidence.push(lowVolumeEvidence(f.site, estimate.callsPerDay, threshold));
    const { lowVolume: _old, ...rest } = f;
    return { ...rest, classification: { ...f.classification, evidence }, estimate, ...(lowVolume ? { lowVolume } : {}) };
  });
}

function where(f: Finding): string {
  return `${f.site.file}:${f.site.loc.start.line}`;
}

/** The measured spend, split: on batch already, on batchable sites, on the other sites, on models no site uses. */
export function reconcile(findings: readonly Finding[], summary: UsageSummary, calibration: Calibration): UsageReconciliation {
  const notes = [...summary.notes];
  const models: ModelReconciliation[] = [];
  let monthlySpend = 0;
  let monthlyOnBatch = 0;
  let monthlyUnplaced = 0;
  let monthlyOnBatchable = 0;
  let monthlySavings = 0;
  let monthlyOnOtherSites = 0;
  const unpriced: string[] = [];
  const priceNotes = new Set<string>();
  const cachedOnBatch = new Set<Provider>();
  for (const m of summary.models) {
    const p = summary.periods[m.provider]!;
    const all = emptyTotals(m.standard.requests === null ? null : 0);
    add(all, m.standard);
    add(all, m.batch);
    const key = usageModelKey(m.provider, m.model, calibration.overrides).key;
    const c = calibration.models.get(key);
    const sites = findings.filter((f) => f.site.model && f.estimate?.volume.kind === 'usage-report' && usageModelKey(f.site.provider, f.site.model, calibration.overrides).key === key);
    let standardSpend: number | null = null;
    let batchSpend: number | null = null;
    if (c) {
      standardSpend = (usageCost(m.standard, c.standard) / p.days) * DAYS_PER_MONTH;
      batchSpend = (usageCost(m.batch, c.batch) / p.days) * DAYS_PER_MONTH;
      monthlySpend += standardSpend + batchSpend;
      monthlyOnBatch += batchSpend;
      if (sites.length === 0) monthlyUnplaced += standardSpend;
      for (const n of c.priceNotes) priceNotes.add(n);
      if (m.batch.inputCached + m.batch.cacheWrite5m + m.batch.cacheWrite1h > 0) cachedOnBatch.add(m.provider);
      if (m.provider === 'openai' && m.standard.cacheWrite5m + m.batch.cacheWrite5m > 0) priceNotes.add(NOTES.openAiCacheWrites(m.model));
    } else {
      unpriced.push(`${m.model} (${providerName(m.provider)})`);
    }
    for (const f of sites) {
      const e = f.estimate!;
      if (f.classification.verdict === 'batchable' && !f.lowVolume) {
        monthlyOnBatchable += e.monthlyStandard;
        monthlySavings += e.monthlySavings;
      } else {
        monthlyOnOtherSites += e.monthlyStandard;
      }
    }
    models.push({
      provider: m.provider,
      model: m.model,
      reportedIds: [...m.reportedIds],
      requestsPerDay: all.requests === null ? null : all.requests / p.days,
      tokensPerDay: tokens(all) / p.days,
      batchShare: tokens(all) > 0 ? tokens(m.batch) / tokens(all) : 0,
      monthlySpend: standardSpend === null ? null : standardSpend + batchSpend!,
      monthlyStandardSpend: standardSpend,
      monthlyBatchSpend: batchSpend,
      sites: sites.map(where),
    });
  }
  for (const provider of cachedOnBatch) priceNotes.add(NOTES.batchOnCached(provider));
  notes.push(...priceNotes);
  const usageKeys = new Set(summary.models.map((m) => usageModelKey(m.provider, m.model, calibration.overrides).key));
  const sitesWithoutUsage = findings
    .filter((f) => f.estimate && calibration.providers.has(f.site.provider))
    .filter((f) => !f.site.model || !usageKeys.has(usageModelKey(f.site.provider, f.site.model, calibration.overrides).key))
    .map((f) => `${where(f)} (${f.site.model ?? 'model not readable'})`);
  return {
    from: summary.overall.from,
    to: summary.overall.to,
    days: summary.overall.days,
    files: [...summary.files],
    models,
    monthlySpend,
    monthlyOnBatch,
    monthlyOnBatchable,
    monthlySavings,
    monthlyOnOtherSites,
    monthlyUnplaced,
    unpriced,
    sitesWithoutUsage,
    notes,
  };
}

/** The whole step over an analysis: calibrated findings and the reconciliation; unchanged without usage. */
export function calibrateWithUsage(result: AnalysisResult, files: readonly UsageFile[], options: AnalysisOptions): { result: AnalysisResult; calibration: Calibration | null } {
  const summary = summarizeUsage(files, options.priceOverrides);
  if (!summary) return { result, calibration: null };
  const calibration = buildCalibration(result.findings, summary, options);
  const findings = applyCalibration(result.findings, calibration, options);
  return { result: { ...result, findings, usage: reconcile(findings, summary, calibration) }, calibration };
}
