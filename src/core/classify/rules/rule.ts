// What a context rule is: a permanent kebab-case id (docs/rules/<id>.md explains it), what it says
// about who waits for a call, the files besides sources it reads, and the sentences it puts in
// evidence. Recognisers cite rules by these objects, never by id strings.
import type { Node } from '../../parse/walk';

export type RuleEffect = 'user-waiting' | 'batchable' | 'neutral' | 'excluded';

/** Templates of a rule's evidence sentences. */
export type Messages = Record<string, (...args: never[]) => string>;

export interface Rule<Id extends string = string, M extends Messages = Messages> {
  readonly id: Id;
  readonly effect: RuleEffect;
  readonly title: string;
  /** The page that explains the rule (shipped with the extension, linked from diagnostics). */
  readonly docs: `docs/rules/${Id}.md`;
  /** Project files besides sources the rule reads (paths or globs from a package's folder). */
  readonly configFiles: readonly string[];
  readonly messages: M;
}

export function defineRule<const Id extends string, const M extends Messages>(spec: { id: Id; effect: RuleEffect; title: string; configFiles?: readonly string[]; messages: M }): Rule<Id, M> {
  return { ...spec, docs: `docs/rules/${spec.id}.md`, configFiles: spec.configFiles ?? [] };
}

/** Where code is entered from, as a recogniser found it: the rule, the sentence, the node it is about. */
export interface EntryMatch {
  rule: Rule;
  message: string;
  node: Node;
  /** A cron expression, when the entry runs on one. */
  schedule?: string;
  /** The serverless platform that runs it ('a Vercel function'): it stops a run after minutes. */
  platform?: string;
  /** The npm script that runs the entry's file, by name: a `db:seed` or `backfill` script is run once, not daily. */
  script?: string;
}

export function entry(rule: Rule, message: string, node: Node, extra: Pick<EntryMatch, 'schedule' | 'platform' | 'script'> = {}): EntryMatch {
  return {
    rule,
    message,
    node,
    ...(extra.schedule !== undefined ? { schedule: extra.schedule } : {}),
    ...(extra.platform !== undefined ? { platform: extra.platform } : {}),
    ...(extra.script !== undefined ? { script: extra.script } : {}),
  };
}

/** Reads a constant string the recognisers cannot see on their own (`ROUTES.ask`, `QUEUE_NAME`). */
export type StringOf = (node: Node) => string | null;
export const NO_STRINGS: StringOf = () => null;
