// Every context rule the classifier can cite. The id is permanent (docs/rules/<id>.md explains it);
// `effect` is what the rule says about who waits for the call.
export type RuleEffect = 'user-waiting' | 'batchable' | 'neutral' | 'excluded';

export interface ContextRule {
  id: string;
  effect: RuleEffect;
  title: string;
}

export const RULES: readonly ContextRule[] = [
  { id: 'streaming-response', effect: 'user-waiting', title: 'The response is streamed' },
  { id: 'http-route-handler', effect: 'user-waiting', title: 'HTTP route handler (Express, Fastify, Koa, Hono)' },
  { id: 'nextjs-route-handler', effect: 'user-waiting', title: 'Next.js app router route handler' },
  { id: 'nextjs-api-route', effect: 'user-waiting', title: 'Next.js pages/api route' },
  { id: 'server-action', effect: 'user-waiting', title: "Server action ('use server')" },
  { id: 'websocket-handler', effect: 'user-waiting', title: 'WebSocket message handler' },
  { id: 'chat-bot-handler', effect: 'user-waiting', title: 'Chat bot handler (Slack, Discord, Telegram)' },
  { id: 'rpc-procedure', effect: 'user-waiting', title: 'tRPC procedure or gRPC service method' },
  { id: 'graphql-resolver', effect: 'user-waiting', title: 'GraphQL resolver' },
  { id: 'remix-loader', effect: 'user-waiting', title: 'Remix loader or action' },
  { id: 'electron-ipc', effect: 'user-waiting', title: 'Electron IPC handler' },
  { id: 'extension-event', effect: 'user-waiting', title: 'Browser extension event handler (a message from a page, a click)' },
  { id: 'editor-command', effect: 'user-waiting', title: 'Editor command handler' },
  { id: 'ui-component', effect: 'user-waiting', title: 'UI component or hook' },
  { id: 'long-running-server', effect: 'user-waiting', title: 'Set up by a file that starts a long-running server or bot' },
  { id: 'stream-to-client', effect: 'user-waiting', title: 'Streams to a client (SSE, res.write, streamText)' },
  { id: 'interactive-prompt', effect: 'user-waiting', title: 'Answers what a person types at a terminal prompt' },
  { id: 'npm-script', effect: 'batchable', title: 'Run by an npm script' },
  { id: 'bin-entry', effect: 'batchable', title: 'A package bin entry' },
  { id: 'shebang-script', effect: 'batchable', title: 'An executable script (shebang)' },
  { id: 'main-module', effect: 'batchable', title: 'Runs as a main module (require.main === module)' },
  { id: 'top-level-await', effect: 'batchable', title: 'A program that awaits at the top level and is imported by no module' },
  { id: 'cron-schedule', effect: 'batchable', title: 'Runs on a cron schedule' },
  { id: 'loop-over-collection', effect: 'batchable', title: 'Called once per item of a collection' },
  { id: 'scheduled-workflow', effect: 'batchable', title: 'Run by a scheduled GitHub Actions workflow' },
  { id: 'vercel-cron', effect: 'batchable', title: 'A route run by a vercel.json cron' },
  { id: 'eval-harness', effect: 'batchable', title: 'An eval harness' },
  { id: 'queue-worker', effect: 'neutral', title: 'A queue worker, decided by its producers' },
  { id: 'low-volume', effect: 'neutral', title: 'Below the volume where batching pays' },
  { id: 'declared-context', effect: 'neutral', title: 'Context declared in a batchwise comment' },
  { id: 'call-chain', effect: 'neutral', title: 'How the call is reached' },
  { id: 'command-line-input', effect: 'neutral', title: 'One call per run of a command, from what was typed on its command line' },
  { id: 'no-entry-point', effect: 'neutral', title: 'No entry point found' },
  { id: 'unparsed-caller', effect: 'neutral', title: 'A file that may call it could not be parsed' },
  { id: 'unfollowed-reference', effect: 'neutral', title: 'A reference to the function the call graph cannot follow' },
  { id: 'test-file', effect: 'excluded', title: 'A test file' },
];

export function ruleById(id: string): ContextRule | undefined {
  return RULES.find((r) => r.id === id);
}
