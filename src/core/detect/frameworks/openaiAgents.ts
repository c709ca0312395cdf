// The OpenAI Agents SDK: `run(agent, input)` and `new Runner(config).run(agent, input)` make at least
// one model request per run (the Responses API unless the agent's model says otherwise). The run call
// is the site; the provider and model are the agent's (`new Agent({ model })`), else the runner's.
import { AST_NODE_TYPES as T, TSESTree } from '../../parse/parse';
import { propertyName } from '../../syntax/nodes';
import type { CallShape, ModelClass } from '../catalogue';
import type { Resolver } from '../resolve';
import { ProviderName, providerNamed, siteProvider } from './providers';

export const OPENAI_AGENTS_SOURCES = ['@openai/agents', '@openai/agents-core', '@openai/agents-openai'];

/** `new Agent({ name, instructions, model })`: no call of its own; a run reads its model. */
export const OPENAI_AGENT: ModelClass = { id: 'openai-agents-agent', provider: 'openai', source: '@openai/agents', className: 'Agent', methods: {}, batchEndpoint: null, modelOption: 'model' };
/** `new Runner({ model, modelProvider })`: `runner.run(agent, input)`. */
export const OPENAI_RUNNER: ModelClass = { id: 'openai-agents-runner', provider: 'openai', source: '@openai/agents', className: 'Runner', methods: {}, batchEndpoint: null, modelOption: 'model' };

/** The agents SDK's classes by name, for any of its packages. */
export function openaiAgentsClass(source: string, name: string): ModelClass | undefined {
  if (!OPENAI_AGENTS_SOURCES.includes(source)) return undefined;
  return name === 'Agent' ? OPENAI_AGENT : name === 'Runner' ? OPENAI_RUNNER : undefined;
}

/** Batch endpoints of a run on a provider: the SDK's default model speaks the Responses API. */
const BATCH: Record<string, string> = { openai: '/v1/responses' };

export interface AgentRun {
  shape: CallShape;
  model: string | null;
  /** The position of the run's input. */
  promptAt: number;
}

export function openaiAgentsRun(resolver: Resolver, file: string, node: TSESTree.CallExpression): AgentRun | null {
  const callee = node.callee;
  let runner: Extract<ReturnType<Resolver['evaluate']>, { kind: 'model-instance' }> | null = null;
  if (callee.type === T.Identifier) {
    if (callee.name !== 'run' && !importsAgents(resolver, file)) return null;
    if (!isImportedRun(resolver, file, callee)) return null;
  } else if (callee.type === T.MemberExpression && propertyName(callee.property, callee.computed) === 'run') {
    const object = resolver.evaluate(file, callee.object);
    if (object?.kind !== 'model-instance' || object.cls !== OPENAI_RUNNER) return null;
    runner = object;
  } else return null;
  const agentNode = node.arguments[0];
  const agent = agentNode ? resolver.evaluate(file, agentNode) : null;
  let provider: ProviderName | null = null;
  let model: string | null = null;
  if (agent?.kind === 'model-instance' && agent.cls === OPENAI_AGENT) [provider, model] = [agent.provider, agent.id];
  // The runner's own model replaces the agent's default; a runner built with a model provider of its
  // own (`new Runner({ modelProvider })`) serves models Batchwise cannot name.
  if (runner) {
    if (runner.id !== null) [provider, model] = [runner.provider, runner.id];
    if (callee.type === T.MemberExpression && hasOption(resolver, file, callee, 'modelProvider')) provider = null;
  }
  if (agent?.kind !== 'model-instance') provider ??= 'openai';
  const shape: CallShape = {
    provider: siteProvider(provider),
    chain: [],
    api: 'openai-agents.run',
    batchEndpoint: provider !== null && providerNamed(provider) ? (BATCH[provider] ?? null) : null,
    alwaysStreams: streams(resolver, file, node.arguments[2]) || undefined,
    promptProps: [],
    maxTokensProps: [],
  };
  return { shape, model, promptAt: 1 };
}

/** `run` as imported from the agents SDK (also renamed: `import { run as runAgent }`). */
function isImportedRun(resolver: Resolver, file: string, id: TSESTree.Identifier): boolean {
  const binding = resolver.project.get(file)?.resolve(id);
  const imported = binding?.import;
  return !!imported && imported.imported === 'run' && OPENAI_AGENTS_SOURCES.includes(imported.source);
}

function importsAgents(resolver: Resolver, file: string): boolean {
  const fi = resolver.project.get(file);
  return !!fi && fi.moduleRefs().some((r) => OPENAI_AGENTS_SOURCES.includes(r.source));
}

/** `run(agent, input, { stream: true })`. */
function streams(resolver: Resolver, file: string, options: TSESTree.Node | undefined): boolean {
  const v = options ? resolver.evaluate(file, options) : null;
  if (v?.kind !== 'object') return false;
  return v.node.properties.some((p) => p.type === T.Property && propertyName(p.key, p.computed) === 'stream' && p.value.type === T.Literal && p.value.value === true);
}

/** Was the runner built with this option (`new Runner({ modelProvider })`)? Read where the runner is made, as far as a variable shows it. */
function hasOption(resolver: Resolver, file: string, callee: TSESTree.MemberExpression, key: string): boolean {
  const fi = resolver.project.get(file);
  if (!fi || callee.object.type !== T.Identifier) return false;
  const declarator = fi.resolve(callee.object)?.declarator;
  const init = declarator?.type === T.VariableDeclarator ? declarator.init : null;
  const made = init?.type === T.AwaitExpression ? init.argument : init;
  if (made?.type !== T.NewExpression || !made.arguments[0]) return false;
  const options = resolver.evaluate(file, made.arguments[0]);
  return options?.kind === 'object' && options.node.properties.some((p) => p.type === T.Property && propertyName(p.key, p.computed) === key);
}
