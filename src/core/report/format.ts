// Number formatting shared by every renderer.

export function formatUsd(n: number): string {
  if (n > 0 && n < 0.005) return '<$0.01';
  return '$' + n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

export function formatTokens(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1).replace(/\.0$/, '')}M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)}k`;
  return n.toLocaleString('en-US');
}

export function cents(n: number): number {
  return Math.round(n * 100) / 100;
}
