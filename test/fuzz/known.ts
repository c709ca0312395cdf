// Failures the fuzzer finds in code another engineer owns and is changing (see bench/fuzz-findings.md,
// which has each one's reproducer, stack and minimal input). The slice in `npm test` reports them as
// TODO instead of failing; anything not listed here fails it. Remove an entry when its fix lands.
export interface KnownFinding {
  /** The section of bench/fuzz-findings.md. */
  id: string;
  owner: string;
  signature: RegExp;
}

export const KNOWN_FINDINGS: KnownFinding[] = [];

export function knownFinding(signature: string): KnownFinding | undefined {
  return KNOWN_FINDINGS.find((k) => k.signature.test(signature));
}
