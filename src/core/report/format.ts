// Number formatting shared by every renderer.

// Made once: `toLocaleString` with options builds a formatter on every call, which a report of a
// thousand findings in six formats felt (the fuzzer's 1,000-call file spent half its report time there).
const USD = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const INTEGER = new Intl.NumberFormat('en-US');

export function formatUsd(n: number): string {
  if (n > 0 && n < 0.005) return '<$0.01';
  return '$' + USD.format(n);
}

export function formatTokens(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1).replace(/\.0$/, '')}M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)}k`;
  return INTEGER.format(n);
}

export function cents(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Money to a hundredth of a cent: one run of a small script costs less than a cent, which cents would make free. */
export function subCents(n: number): number {
  return Math.round(n * 1e4) / 1e4;
}
