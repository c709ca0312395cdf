// How a call is reached, and where the walk to its entry points stops without an answer: no entry
// point, a caller in a file that does not parse, a reference the call graph cannot follow.
import { openPath, Path } from '../path';
import { defineRule } from './rule';

/** How many calls the walk follows outward from a call before it stops. */
export const MAX_DEPTH = 16;

/** Past this many paths left out of the evidence, it says "over" this many instead of the count. */
const MANY_PATHS = 100_000;

export const CALL_CHAIN = defineRule({
  id: 'call-chain',
  effect: 'neutral',
  title: 'How the call is reached',
  messages: {
    personWaits: (chain: string) => `a person waits: ${chain}`,
    alsoReached: (chain: string) => `also reached from ${chain}`,
    reachedOnly: (chain: string) => `reached only from ${chain}`,
    reached: (chain: string) => `reached from ${chain}`,
    givenTo: (key: string, call: string, where: string) => `run by \`${call}\`, given it in \`${key}\` at ${where}`,
    ranAt: (call: string, where: string) => `run by \`${call}\` at ${where}`,
    stepOf: (call: string, where: string) => `a step of the Mastra workflow \`${call}\` at ${where}`,
    askedFor: (what: 'workflow' | 'agent', key: string, call: string, where: string) => `the Mastra ${what} '${key}', from \`${call}\` at ${where}`,
    decorated: (name: string, where: string) => `reached as \`fastify.${name}\`, decorated at ${where}`,
    graphNode: (name: string | null, where: string) => `${name === null ? 'a node' : `node '${name}'`} of the LangGraph graph compiled at ${where}`,
    graphRouter: (from: string | null, where: string) => `the router of the edges from ${from === null ? 'a node' : `node '${from}'`} of the LangGraph graph compiled at ${where}`,
    settled: () => 'a person waits on the path above, so no other caller could make the call batchable: Batchwise did not follow the rest',
    // The paths through a busy call graph are counted, not listed, and their number grows with each way
    // round: past a point the count says nothing more (langchainjs reached 10^11).
    more: (count: number) =>
      count > MANY_PATHS
        ? `and over ${MANY_PATHS.toLocaleString('en-US')} more paths from entry points like these reach the call (left out of this list)`
        : `and ${count} more path${count === 1 ? '' : 's'} from entry points like these reach the call (left out of this list)`,
  },
});

export const NO_ENTRY_POINT = defineRule({
  id: 'no-entry-point',
  effect: 'neutral',
  title: 'No entry point found',
  messages: {
    moduleLevel: (file: string) => `module-level code in ${file}, which is not a recognised entry point`,
    notAScript: (file: string, how: string) =>
      `module-level code in ${file}, which no module imports, but ${how}, so it is not taken for a script run on its own. ` +
      'If nobody waits for this call, declare it with `// batchwise: batch`; if a person does, with `// batchwise: user-waiting`',
    exportedUncalled: (label: string, file: string) => `${label} is exported from ${file} but nothing in the workspace calls it`,
    uncalled: (label: string, file: string) => `${label} in ${file} is not called anywhere Batchwise can see`,
    neverConstructed: (label: string, file: string) => `the class ${label} in ${file} is not instantiated (\`new\`) anywhere Batchwise can see`,
    instancesNotRun: (label: string, file: string) => `instances of the class ${label} in ${file} are made, but nothing Batchwise can see runs them`,
    someOpen: (count: number, file: string, line: number) =>
      `batchable only if nobody waits on any path, and ${count === 1 ? 'one path' : `${count} paths`} (the first from ${file}:${line}) end${count === 1 ? 's' : ''} where Batchwise cannot tell who waits. ` +
      'If nobody waits there either, declare the call with `// batchwise: batch`; if a person does, with `// batchwise: user-waiting`',
    loopOnly: () =>
      'the loop shows the call runs once per item, not who waits: nothing Batchwise can see runs this code, and the items may come from a request. ' +
      'A script, cron schedule or bulk queue producer reaching it would make it batchable, a route or bot handler user-waiting; if nobody waits for it, declare it with `// batchwise: batch`',
    unreached: (holder: string) =>
      `no entry point reaches this call: ${holder} is used, but every chain of callers Batchwise followed from it leads back into itself (a call cycle), ` +
      `past ${MAX_DEPTH} calls, or into a value nothing uses. If nobody waits for it, declare it with \`// batchwise: batch\`; if a person does, with \`// batchwise: user-waiting\``,
    handedToUnknownHere: (label: string, where: string, file: string) => `handed to ${label} at ${where}, which Batchwise does not know, in ${file}, which is not a recognised entry point`,
    handedToUnknownLater: (label: string, where: string, file: string, entry: string) =>
      `handed to ${label} at ${where}, which Batchwise does not know and which may run it later, for an event or a request, not as part of ${file} (${entry}); ` +
      'who waits for it is unknown',
    graphNeverRun: (where: string) =>
      `a node of the LangGraph graph compiled at ${where}, which nothing Batchwise can see runs (\`invoke\`, \`stream\`, \`batch\` …) and no langgraph.json serves`,
    graphNotCompiled: (where: string) => `a node of the LangGraph graph built at ${where}, which is not compiled (\`.compile()\`) anywhere Batchwise can see`,
    lambdaWithoutEvents: (exportName: string, file: string, template: string) => `AWS Lambda \`${exportName}\` in ${file} has no events in ${template}; it is invoked directly, by whom is unknown`,
    lambdaUnmapped: (file: string) =>
      `\`handler\` in ${file} is an AWS Lambda handler, and no serverless.yml, SAM template or CDK stack in the workspace maps it, so what invokes it (an HTTP API, a schedule, a queue) is unknown`,
    workerWithoutCron: (where: string) => `the \`scheduled\` handler at ${where}, but the wrangler config lists no cron trigger, so what runs it is unknown`,
    notAnalysed: (reason: string) =>
      `Batchwise could not follow the callers of this call: ${reason}. If nobody waits for it, declare it with \`// batchwise: batch\`; if a person does, with \`// batchwise: user-waiting\``,
    budget: (steps: number) =>
      `Batchwise stopped following callers after ${steps} steps for this call, so other entry points may reach it; declare the call with \`// batchwise: batch\` or \`// batchwise: user-waiting\` if you know`,
  },
});

export const UNPARSED_CALLER = defineRule({
  id: 'unparsed-caller',
  effect: 'neutral',
  title: 'A file that may call it could not be parsed',
  messages: {
    unparsed: (file: string, name: string, error: string) =>
      `${file} mentions \`${name}\` but could not be parsed (${error}), so its calls cannot be followed and this call cannot be shown to be batchable; ` +
      (error.startsWith('syntax error') ? 'fix the syntax error to get a verdict' : 'declare the call with `// batchwise: batch` if nobody waits for it there'),
  },
});

export const UNFOLLOWED_REFERENCE = defineRule({
  id: 'unfollowed-reference',
  effect: 'neutral',
  title: 'A reference to the function the call graph cannot follow',
  messages: {
    unfollowed: (how: string) => `referenced in a way Batchwise does not follow: ${how}; whoever calls it through that reference is unknown`,
    destructured: (where: string) => `destructured at ${where}`,
    destructuredFurther: (where: string) => `destructured further at ${where}`,
    moduleDestructured: (where: string) => `its module is destructured at ${where}`,
    gathered: (name: string, where: string) => `gathered into \`...${name}\` at ${where}`,
    jsxChild: (where: string) => `rendered as a JSX child at ${where}`,
    assigned: (target: string, where: string) => `assigned to \`${target}\` at ${where}`,
    arrayElement: (where: string) => `an element of an array at ${where}`,
    arrayRead: (array: string, where: string) =>
      `an element of the array \`${array}\`, read at ${where} where Batchwise sees no element called or handed to a call; what calls the elements decides`,
    returned: (where: string) => `returned from a function at ${where}`,
    spread: (where: string) => `spread at ${where}`,
    value: (where: string) => `used as a value at ${where}`,
    computedKey: (where: string) => `stored under a computed key at ${where}`,
    inObject: (where: string) => `stored in an object at ${where}`,
    handedOnWhole: (holder: string, where: string) => `\`${holder}\`, which holds it, is handed on whole at ${where}`,
    loadedThen: (where: string) => `its module is loaded with \`import(…).then(…)\` at ${where}`,
    handedTo: (call: string, where: string) => `handed to \`${call}\` at ${where}`,
    mastraWorkflow: (key: string, where: string) => `the Mastra workflow '${key}', registered at ${where}, which Mastra's server (\`mastra dev\`, \`mastra start\`) also runs for the clients of its API`,
    handedUnder: (call: string, key: string, where: string) => `handed to \`${call}\` as its \`${key}\` at ${where}`,
    factoryHandedOn: (name: string) => `the factory \`${name}\` is handed on, not called`,
    manyImporters: (limit: number, name: string) => `its module is imported, directly or not, by more than ${limit} modules, and Batchwise stopped looking for callers of \`${name}\``,
  },
});

export const RULES = [CALL_CHAIN, NO_ENTRY_POINT, UNPARSED_CALLER, UNFOLLOWED_REFERENCE] as const;

export function unparsedPath(file: string, name: string, error: string): Path {
  return { effect: 'blocked', rule: UNPARSED_CALLER, entry: UNPARSED_CALLER.messages.unparsed(file, name, error), file, line: 1, steps: [], loops: [] };
}

export function unfollowedPath(file: string, line: number, how: string): Path {
  return openPath(UNFOLLOWED_REFERENCE, UNFOLLOWED_REFERENCE.messages.unfollowed(how), file, line);
}
