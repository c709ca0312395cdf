// Monthly cost of a call site now and on the batch path, with every number that was not read from
// code stated as an assumption.
import type { AnalysisOptions, CallSite, Estimate, PriceRow, RunVolume, VolumeSource } from '../model';
import { fallbackEmbeddingModel, FALLBACK_MODEL, findPrice } from './prices';
import { providerInfo } from '../detect/providers';
import { APPROXIMATE_BYTES_PER_TOKEN, CountBudget, countPromptTokens, encodingFor, FILE_COUNT_BUDGET_CHARS, TokenCount } from './tokens';
import { defaultModelFor, producesNoOutput } from '../detect/catalogue';
import { MAX_CALLS_PER_DAY, MAX_CHOICES, MAX_TOKENS } from './limits';

export const DAYS_PER_MONTH = 30;

/** A number read from code, kept within [0, max] (a literal like 1e308 would make every cost infinite). */
function bounded(n: number, max: number): number {
  return Number.isFinite(n) ? Math.min(Math.max(n, 0), max) : max;
}

export interface DailyCost {
  standard: number;
  batch: number;
  savings: number;
}

export function dailyCost(price: PriceRow, inputTokensPerCall: number, outputTokensPerCall: number, callsPerDay: number): DailyCost {
  const input = (inputTokensPerCall * callsPerDay) / 1e6;
  const output = (outputTokensPerCall * callsPerDay) / 1e6;
  const standard = input * price.input + output * price.output;
  const batch = input * price.batchInput + output * price.batchOutput;
  return { standard, batch, savings: standard - batch };
}

/** Calls per day stated in a `// batchwise: ...` annotation ('batch 20000/day', '5,000/day'). */
export function annotatedVolume(annotation: string | null): number | null {
  if (!annotation) return null;
  const m = /(\d[\d_,]*(?:\.\d+)?)\s*(?:calls?|requests?)?\s*\/\s*day\b/i.exec(annotation);
  if (!m) return null;
  const n = Number(m[1].replace(/[_,]/g, ''));
  return Number.isFinite(n) ? n : null;
}

const INTEGER = new Intl.NumberFormat('en-US');
/** As `Intl.NumberFormat('en-US')` formats: a whole number's digits grouped here (Intl took 4 µs a number, 15 ms for a file of 4,000 calls). */
export function fmt(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return INTEGER.format(n);
  const digits = String(Math.abs(n));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += ',' + digits.slice(i, i + 3);
  return n < 0 ? '-' + out : out;
}

/** '1 call/day', '1,000 calls/day', '0.5 calls/day'. */
export function callsPerDayText(n: number): string {
  return `${fmt(n)} call${n === 1 ? '' : 's'}/day`;
}

/** '1 call per run', '10 calls per run'. */
export function callsPerRunText(n: number): string {
  return `${fmt(n)} call${n === 1 ? '' : 's'} per run`;
}

/** '24 runs/day', '0.14 runs/day'. */
function runsText(n: number): string {
  const r = Number(n.toFixed(2));
  return `${fmt(r)} run${r === 1 ? '' : 's'}/day`;
}

/** '10 per run (the literal list of 10 at a.ts:3)'. */
function runDescription(calls: number, run: Pick<RunVolume, 'source'>): string {
  return `${fmt(calls)} per run (${run.source})`;
}

/** The calls a figure is for: per run when the estimate is per run, else per day. */
export function volumeCalls(e: Estimate): number {
  return e.perRun ? e.perRun.calls : e.callsPerDay;
}

export interface EstimateContext {
  /** Calls per day read from the call's context (a cron schedule), used when no annotation states one. */
  volume?: { callsPerDay: number; source: string };
  /** Calls per run read from the code, and runs per day or a one-off script where the code says (see RunVolume). */
  run?: RunVolume;
  /** What the call's file may still have counted in this analysis (see fileCountBudget); none: no limit. */
  countBudget?: CountBudget;
}

/** What a count that is not exact says about itself. */
function countAssumption(count: TokenCount, chars: number): string | null {
  const approximated = `approximated as one token per ${APPROXIMATE_BYTES_PER_TOKEN} bytes of UTF-8`;
  switch (count.basis) {
    case 'counted':
      return null;
    case 'extrapolated':
      return `The literal prompt text is long (${fmt(chars)} characters): its first ${fmt(count.countedChars ?? 0)} characters were counted and the count scaled to the whole.`;
    case 'not-counted':
      return `The literal prompt text was not counted (the token counter gave no count in time): ${approximated}.`;
    case 'over-budget':
      return `The literal prompt text was not counted (this file's prompts passed the ${fmt(FILE_COUNT_BUDGET_CHARS)} characters counted per file): ${approximated}.`;
  }
}

/** A model on the user's own machine (Ollama): no per-token price. */
function localPrice(site: CallSite): PriceRow {
  return { provider: site.provider, model: site.model ?? 'a local model', aliases: [], input: 0, output: 0, batchInput: 0, batchOutput: 0, noBatchTier: true, source: 'local', checked: '—' };
}

export function estimateSite(site: CallSite, options: AnalysisOptions, context: EstimateContext = {}): Estimate {
  const assumptions: string[] = [];
  const embeddings = producesNoOutput(site.api);

  const apiDefault = site.model ? null : defaultModelFor(site.api);
  const local = providerInfo(site.provider).local;
  let price = local ? localPrice(site) : site.model ? findPrice(site.model, options.priceOverrides) : apiDefault ? findPrice(apiDefault, options.priceOverrides) : null;
  if (apiDefault && price) assumptions.push(`The request names no model: the API's default, ${apiDefault}.`);
  if (!price) {
    const fallback = embeddings ? fallbackEmbeddingModel(site.provider) : FALLBACK_MODEL[site.provider];
    price = findPrice(fallback, options.priceOverrides) ?? findPrice(FALLBACK_MODEL.openai, options.priceOverrides)!;
    assumptions.push(
      site.model
        ? `No price on file for '${site.model}': priced as ${price.model} (add it with batchwise.priceOverrides).`
        : `Model not readable from code: priced as ${price.model} (the model is chosen at run time; the model assumed for ${providerInfo(site.provider).label}).`,
    );
  }
  const info = providerInfo(site.provider);
  const noBatchTier = !info.batchTier || price.noBatchTier === true;
  if (info.local) assumptions.push(`${info.label} runs on your own machine: no per-token price, and no batch tier.`);
  else if (noBatchTier) assumptions.push(`${info.batchTier ? price.model : info.label} has no batch tier: no saving from batching (the verdict stands).`);
  if (!info.local) assumptions.push(
    noBatchTier
      ? `Prices for ${price.model}: $${price.input} in / $${price.output} out per 1M tokens (checked ${price.checked}, ${price.source}).`
      : `Prices for ${price.model}: $${price.input} in / $${price.output} out per 1M tokens standard, $${price.batchInput} / $${price.batchOutput} on batch (checked ${price.checked}, ${price.source}).`,
  );

  const model = site.model ?? price.model;
  const count = countPromptTokens(site.request.literalText, model, context.countBudget);
  const literal = count.tokens;
  const counted = countAssumption(count, site.request.literalText.length);
  if (counted) assumptions.push(counted);
  const interpolated = site.request.dynamicParts * options.interpolatedTokens;
  const inputTokens = literal + interpolated;
  const { exact } = encodingFor(model);
  if (!exact) assumptions.push(`${model} has no public tokenizer: literal text counted with o200k_base as an approximation.`);
  if (site.request.dynamicParts > 0) {
    assumptions.push(
      `${site.request.dynamicParts} non-literal prompt part${site.request.dynamicParts === 1 ? '' : 's'} assumed at ${fmt(options.interpolatedTokens)} tokens each (setting batchwise.interpolatedTokens); ${fmt(literal)} tokens ${count.basis === 'counted' ? 'counted' : 'estimated'} from literal text.`,
    );
  } else {
    assumptions.push(`Input: ${fmt(literal)} tokens ${count.basis === 'counted' ? 'counted' : 'estimated'} from the literal prompt text.`);
  }

  let outputTokens = 0;
  if (embeddings) {
    assumptions.push(`${site.api === 'moderations' ? 'Moderations' : 'Embeddings'} produce no output tokens.`);
  } else if (site.request.maxOutputTokens !== null) {
    outputTokens = bounded(site.request.maxOutputTokens, MAX_TOKENS);
    assumptions.push(
      outputTokens === site.request.maxOutputTokens
        ? `Output: the call's token limit, ${fmt(outputTokens)}, taken as the size of each answer (an upper bound).`
        : `Output: the call's token limit, ${fmt(site.request.maxOutputTokens)}, is past any model's; taken as ${fmt(outputTokens)} tokens.`,
    );
  } else {
    outputTokens = options.defaultOutputTokens;
    assumptions.push(`Output assumed at ${fmt(outputTokens)} tokens per call (no max-tokens limit set; setting batchwise.defaultOutputTokens).`);
  }
  if (site.request.choices && site.request.choices > 1 && !embeddings) {
    const choices = bounded(site.request.choices, MAX_CHOICES);
    outputTokens *= choices;
    assumptions.push(`n = ${fmt(choices)} choices per request multiplies the output${choices === site.request.choices ? '' : ` (the call asks for ${fmt(site.request.choices)}; the API takes at most ${MAX_CHOICES})`}.`);
  }

  const declared = annotatedVolume(site.annotation);
  const run = declared === null && !context.volume ? context.run : undefined;
  let callsPerDay: number;
  let volume: VolumeSource;
  let perRunCalls: number | null = null;
  if (declared !== null) {
    callsPerDay = bounded(declared, MAX_CALLS_PER_DAY);
    volume = { kind: 'annotation', comment: `batchwise: ${site.annotation}` };
    assumptions.push(
      `Volume: ${callsPerDayText(callsPerDay)}, from the comment "batchwise: ${site.annotation}"${callsPerDay === declared ? '' : ` (capped at ${fmt(MAX_CALLS_PER_DAY)}, the most Batchwise counts)`}.`,
    );
  } else if (context.volume) {
    callsPerDay = context.volume.callsPerDay;
    volume = { kind: 'schedule', description: context.volume.source };
    assumptions.push(`Volume: ${callsPerDayText(Number(callsPerDay.toFixed(2)))}, from ${context.volume.source}.`);
  } else if (run && run.runsPerDay !== undefined && run.calls !== null) {
    const perRun = bounded(run.calls, MAX_CALLS_PER_DAY);
    callsPerDay = bounded(perRun * run.runsPerDay, MAX_CALLS_PER_DAY);
    const description = runDescription(perRun, run) + ` × ${runsText(run.runsPerDay)} (${run.schedule})`;
    volume = { kind: 'code', perRun, runsPerDay: run.runsPerDay, description };
    assumptions.push(`Volume: ${callsPerDayText(Number(callsPerDay.toFixed(2)))}: ${description}.`);
  } else if (run) {
    const assumed = run.calls === null;
    perRunCalls = bounded(run.calls ?? options.defaultCallsPerDay, MAX_CALLS_PER_DAY);
    callsPerDay = 0;
    const count = assumed
      ? `${fmt(perRunCalls)} per run, assumed (${run.source}; setting batchwise.defaultCallsPerDay, taken as one run's calls)`
      : runDescription(perRunCalls, run);
    const description = count + (run.oneOff ? `; ${run.oneOff}` : '');
    volume = { kind: 'code', perRun: perRunCalls, ...(run.oneOff ? { oneOff: true } : {}), ...(assumed ? { assumed: true } : {}), description };
    assumptions.push(
      run.oneOff
        ? `Volume: ${description}. Its figures are per run, not per month (a script run once costs nothing the month after); not added to monthly totals.`
        : `Volume: ${description}. How often it runs is not in the code: the figures are per run, not added to monthly totals (state the runs with a "// batchwise: N/day" comment).`,
    );
  } else {
    callsPerDay = options.defaultCallsPerDay;
    volume = { kind: 'default' };
    assumptions.push(`Volume: ${callsPerDayText(callsPerDay)} assumed (setting batchwise.defaultCallsPerDay; state it with a "// batchwise: N/day" comment).`);
  }
  if (perRunCalls === null) assumptions.push(`A month is ${DAYS_PER_MONTH} days.`);

  const priced = noBatchTier ? { ...price, batchInput: price.input, batchOutput: price.output } : price;
  const daily = dailyCost(priced, inputTokens, outputTokens, callsPerDay);
  const perRun = perRunCalls === null ? null : dailyCost(priced, inputTokens, outputTokens, perRunCalls);
  return {
    ...(noBatchTier ? { noBatchTier: true } : {}),
    callsPerDay,
    volume,
    inputTokens,
    outputTokens,
    monthlyStandard: daily.standard * DAYS_PER_MONTH,
    monthlyBatch: daily.batch * DAYS_PER_MONTH,
    monthlySavings: daily.savings * DAYS_PER_MONTH,
    ...(perRun ? { perRun: { calls: perRunCalls!, standard: perRun.standard, batch: perRun.batch, savings: perRun.savings } } : {}),
    assumptions,
  };
}
