// How often a cron expression fires in a day, on average. Five or six fields (seconds first when six).

function fieldCount(field: string, min: number, max: number): number | null {
  let total = 0;
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) return null;
    let lo = min;
    let hi = max;
    if (range !== '*' && range !== '?') {
      const [a, b] = range.split('-');
      lo = Number(a);
      hi = b === undefined ? (stepText === undefined ? lo : max) : Number(b);
      if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < min || hi > max || lo > hi) return null;
    }
    total += Math.floor((hi - lo) / step) + 1;
  }
  return total;
}

/** Average runs per day, or null when the expression is not a plain numeric cron spec. */
export function cronRunsPerDay(spec: string): number | null {
  const fields = spec.trim().split(/\s+/);
  if (fields.length === 6) fields.shift(); // seconds: at most once a minute matters for a batch decision
  if (fields.length !== 5) return null;
  const [minute, hour, dom, month, dow] = fields;
  const minutes = fieldCount(minute, 0, 59);
  const hours = fieldCount(hour, 0, 23);
  const days = dom === '*' || dom === '?' ? 1 : (fieldCount(dom, 1, 31) ?? NaN) / 30.44;
  const months = month === '*' ? 1 : (fieldCount(month, 1, 12) ?? NaN) / 12;
  const weekdays = dow === '*' || dow === '?' ? 1 : (fieldCount(dow.replace(/7/g, '0'), 0, 6) ?? NaN) / 7;
  if (minutes === null || hours === null) return null;
  const perDay = minutes * hours * days * months * weekdays;
  return Number.isFinite(perDay) ? perDay : null;
}
