// Follows names to what they hold, across files: imports, `new OpenAI()`, aliases of member chains,
// destructuring, class fields, typed parameters, factory functions, re-exports and CommonJS exports.
// Everything is abstract: the result says "this is an OpenAI client's chat.completions", never runs code.
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import { visit } from '../parse/walk';
import { FunctionLike, isFunctionLike, Node, propertyName, requireSource, unwrap } from '../syntax/nodes';
import type { Provider } from '../model';
import { CLIENT_MODULES, ClientModule, clientModuleFor, MODEL_CLASSES, MODEL_METHODS, ModelClass, modelClassFor, ModelProviderModule, modelProviderModuleFor, WrapperCall, wrapperCallFor, WRAPPER_SOURCES } from './catalogue';
import type { ProjectIndex } from '../project';
import type { Binding, SyntaxModel } from '../syntax/model';
import { ModuleLookup, resolveExport } from '../syntax/modules';

export type Value =
  | { kind: 'class'; provider: Provider }
  | { kind: 'client'; provider: Provider; path: string[] }
  | { kind: 'sdk-namespace'; module: ClientModule }
  | { kind: 'module'; file: string }
  | { kind: 'function'; file: string; node: FunctionLike }
  // A class of the workspace, for its static fields (`class Llm { static openai = new OpenAI() }`).
  | { kind: 'user-class'; file: string; node: TSESTree.ClassDeclaration }
  | { kind: 'string'; value: string }
  // Only from literals, `const` bindings and conditionals whose branches agree: a flag read as
  // known must be known (`stream`).
  | { kind: 'boolean'; value: boolean }
  | { kind: 'queue'; name: string }
  | { kind: 'object'; file: string; node: TSESTree.ObjectExpression }
  // The AI SDK: its module, one of its LLM functions, a provider package, a provider instance (or one of
  // its model methods), a `createOpenAI`-style factory, and the model a provider returns.
  | { kind: 'wrapper-namespace'; source: string }
  | { kind: 'wrapper-fn'; call: WrapperCall }
  | { kind: 'model-namespace'; module: ModelProviderModule }
  | { kind: 'model-provider'; provider: Provider }
  | { kind: 'model-creator'; provider: Provider }
  | { kind: 'model'; provider: Provider; id: string | null }
  // LangChain: a model class, and an instance with the model and output limit it was built with.
  | { kind: 'model-class-namespace'; source: string }
  | { kind: 'model-class'; cls: ModelClass }
  | { kind: 'model-instance'; cls: ModelClass; id: string | null; maxTokens: number | null };

/** The name a constructor's parameter property (`private readonly openai: OpenAI`) gives the instance. */
function parameterPropertyName(param: TSESTree.TSParameterProperty): string | null {
  const p = param.parameter.type === T.AssignmentPattern ? param.parameter.left : param.parameter;
  return p.type === T.Identifier ? p.name : null;
}

/**
 * How deep evaluations may nest before the rest of a chain is put off: far inside the stack Node gives
 * a thread, since the walk that asks may itself be deep.
 */
const MAX_NESTING = 150;
/** How many stretches of a chain one outermost evaluation follows before it gives up (a chain of some 300,000 names). */
const MAX_DEFERRALS = 2_000;

/** Thrown where nesting reaches MAX_NESTING: what to evaluate first, from the top of the stack, so the rest can be memoised. */
class Deferral {
  constructor(readonly first: () => void) {}
}

export class Resolver {
  private readonly memo = new Map<Node, Value | null>();
  private readonly exportMemo = new Map<string, Value | null>();
  private readonly inProgress = new Set<Node | string>();
  private depth = 0;

  constructor(private readonly project: ProjectIndex) {}

  /** What an expression in `file` evaluates to, as far as static reading can tell. */
  evaluate(file: string, node: Node): Value | null {
    if (this.memo.has(node)) return this.memo.get(node)!;
    if (this.inProgress.has(node)) return null;
    return this.nested(
      () => this.evaluate(file, node),
      () => {
        this.inProgress.add(node);
        let value: Value | null = null;
        try {
          value = this.evaluateUncached(file, node);
        } finally {
          this.inProgress.delete(node);
        }
        this.memo.set(node, value);
        return value;
      },
    );
  }

  /**
   * Runs `compute` one level deeper. A chain of names longer than the stack allows (`const c2 = c1`
   * two thousand times) is not followed in one go: where nesting reaches MAX_NESTING the evaluation
   * stops (`again` says what it needed), the outermost level evaluates that first, from the top of the
   * stack, and memoises it, then tries again, so the chain is followed from its far end, a stretch at a time.
   */
  private nested<V>(again: () => void, compute: () => V): V {
    if (this.depth >= MAX_NESTING) throw new Deferral(again);
    if (this.depth > 0) {
      this.depth++;
      try {
        return compute();
      } finally {
        this.depth--;
      }
    }
    const pending: (() => void)[] = [];
    for (;;) {
      this.depth = 1;
      try {
        if (pending.length === 0) return compute();
        pending[pending.length - 1]();
        pending.pop();
      } catch (err) {
        if (!(err instanceof Deferral)) throw err;
        if (pending.length >= MAX_DEFERRALS) throw new RangeError('Maximum call stack size exceeded: a chain of names too long to follow');
        pending.push(err.first);
      } finally {
        this.depth = 0;
      }
    }
  }

  private evaluateUncached(file: string, raw: Node): Value | null {
    const node = unwrap(raw, 'value');
    switch (node.type) {
      case T.Identifier:
        return this.evaluateIdentifier(file, node);
      case T.NewExpression: {
        const callee = this.evaluate(file, node.callee);
        if (callee?.kind === 'class') return { kind: 'client', provider: callee.provider, path: [] };
        // CommonJS: `const OpenAI = require('openai')` is the class itself (and carries .OpenAI/.default too).
        if (callee?.kind === 'sdk-namespace') return { kind: 'client', provider: callee.module.provider, path: [] };
        if (callee?.kind === 'model-class') return this.modelInstance(file, callee.cls, node.arguments[0]);
        // A job queue (BullMQ, Bull): `new Queue('name')`; its workers are judged by who adds jobs.
        const first = node.arguments[0];
        if (node.callee.type === T.Identifier && node.callee.name === 'Queue' && first) {
          const name = this.evaluate(file, first);
          if (name?.kind === 'string') return { kind: 'queue', name: name.value };
        }
        return null;
      }
      case T.CallExpression: {
        const required = requireSource(node);
        if (required !== null) return this.moduleValue(file, required);
        const piped = this.pipedModel(file, node);
        if (piped) return piped;
        const callee = this.evaluate(file, node.callee);
        if (callee?.kind === 'function') return this.returnValue(callee.file, callee.node);
        if (callee?.kind === 'model-creator') return { kind: 'model-provider', provider: callee.provider };
        if (callee?.kind === 'model-provider') {
          const id = node.arguments[0] ? this.evaluate(file, node.arguments[0]) : null;
          return { kind: 'model', provider: callee.provider, id: id?.kind === 'string' ? id.value : null };
        }
        return null;
      }
      case T.ImportExpression:
        // `await import('./llm')` (the await is unwrapped above): the module's namespace.
        return node.source.type === T.Literal && typeof node.source.value === 'string' ? this.moduleValue(file, node.source.value) : null;
      case T.MemberExpression: {
        const prop = propertyName(node.property, node.computed);
        if (prop === null) return null;
        if (node.object.type === T.ThisExpression) return this.evaluateThisMember(file, node, prop);
        if (isRequireMain(node)) return null;
        const object = this.evaluate(file, node.object);
        return object ? this.member(file, object, prop) : null;
      }
      case T.Literal:
        if (typeof node.value === 'boolean') return { kind: 'boolean', value: node.value };
        return typeof node.value === 'string' ? { kind: 'string', value: node.value } : null;
      case T.TemplateLiteral:
        return node.expressions.length === 0 ? { kind: 'string', value: node.quasis.map((q) => q.value.cooked ?? '').join('') } : null;
      case T.ObjectExpression:
        return { kind: 'object', file, node };
      case T.ConditionalExpression: {
        const yes = this.evaluate(file, node.consequent);
        const no = this.evaluate(file, node.alternate);
        if (yes?.kind === 'boolean' || no?.kind === 'boolean') return yes?.kind === 'boolean' && no?.kind === 'boolean' && yes.value === no.value ? yes : null;
        return yes ?? no;
      }
      case T.LogicalExpression: {
        const v = this.evaluate(file, node.left) ?? this.evaluate(file, node.right);
        return v?.kind === 'boolean' ? null : v;
      }
      case T.ArrowFunctionExpression:
      case T.FunctionExpression:
        return { kind: 'function', file, node };
      case T.AssignmentExpression:
        // `return (client ??= new OpenAI())`: the value is what is assigned, or what was there.
        if (node.operator === '=') return this.evaluate(file, node.right);
        if (node.operator === '??=' || node.operator === '||=') return this.evaluate(file, node.right) ?? this.evaluate(file, node.left);
        return null;
      default:
        return null;
    }
  }

  member(file: string, object: Value, prop: string): Value | null {
    switch (object.kind) {
      case 'client':
        return { kind: 'client', provider: object.provider, path: [...object.path, prop] };
      case 'sdk-namespace':
        return object.module.classExports.includes(prop) ? { kind: 'class', provider: object.module.provider } : null;
      case 'module':
        return this.evaluateExport(object.file, prop);
      case 'wrapper-namespace': {
        const call = wrapperCallFor(object.source, prop);
        return call ? { kind: 'wrapper-fn', call } : null;
      }
      case 'model-namespace':
        return this.modelExport(object.module, prop);
      case 'model-class-namespace': {
        const cls = modelClassFor(object.source, prop);
        return cls ? { kind: 'model-class', cls } : null;
      }
      case 'model-provider':
        // `openai.chat('gpt-4o')`, `openai.embedding(…)`: called like the instance itself.
        return MODEL_METHODS.includes(prop) ? object : null;
      case 'user-class': {
        for (const el of object.node.body.body) {
          if (el.type === T.PropertyDefinition && el.static && propertyName(el.key, el.computed) === prop) {
            if (el.value) return this.evaluate(object.file, el.value);
            return this.annotatedClient(object.file, el.typeAnnotation?.typeAnnotation, el);
          }
        }
        return null;
      }
      case 'object': {
        for (const p of object.node.properties) {
          if (p.type !== T.Property) continue;
          if (propertyName(p.key, p.computed) === prop) return this.evaluate(object.file, p.value);
        }
        return null;
      }
      default:
        return null;
    }
  }

  /** What a known package exports under `name` (or as a whole, for '*'), or undefined for any other package. */
  private packageExport(source: string, name: string): Value | null | undefined {
    const sdk = clientModuleFor(source);
    if (sdk) {
      if (name === '*') return { kind: 'sdk-namespace', module: sdk };
      return sdk.classExports.includes(name) ? { kind: 'class', provider: sdk.provider } : null;
    }
    if (WRAPPER_SOURCES.includes(source)) {
      if (name === '*') return { kind: 'wrapper-namespace', source };
      const call = wrapperCallFor(source, name);
      return call ? { kind: 'wrapper-fn', call } : null;
    }
    const models = modelProviderModuleFor(source);
    if (models) return name === '*' ? { kind: 'model-namespace', module: models } : this.modelExport(models, name);
    if (MODEL_CLASSES.some((c) => c.source === source)) {
      if (name === '*') return { kind: 'model-class-namespace', source };
      const cls = modelClassFor(source, name);
      return cls ? { kind: 'model-class', cls } : null;
    }
    return undefined;
  }

  /**
   * A LangChain pipeline around a model (`prompt.pipe(model)`, `model.pipe(parser)`, and chains of
   * those): invoking it calls the model once, so it stands for the model.
   */
  private pipedModel(file: string, node: TSESTree.CallExpression): Value | null {
    const callee = node.callee;
    if (callee.type !== T.MemberExpression || propertyName(callee.property, callee.computed) !== 'pipe' || node.arguments.length !== 1) return null;
    for (const side of [callee.object, node.arguments[0]]) {
      const v = this.evaluate(file, side);
      if (v?.kind === 'model-instance') return v;
    }
    return null;
  }

  /** `new ChatOpenAI({ model: 'gpt-4o-mini', maxTokens: 200 })`: the model id (or the older `modelName`) and the output limit. */
  private modelInstance(file: string, cls: ModelClass, arg: Node | undefined): Value {
    const options = arg ? this.evaluate(file, arg) : null;
    let id: string | null = null;
    let maxTokens: number | null = null;
    if (options?.kind === 'object') {
      for (const p of options.node.properties) {
        if (p.type !== T.Property) continue;
        const key = propertyName(p.key, p.computed);
        if ((key === 'model' || key === 'modelName') && id === null) {
          const v = this.evaluate(options.file, p.value);
          if (v?.kind === 'string') id = v.value;
        } else if (key === 'maxTokens' && p.value.type === T.Literal && typeof p.value.value === 'number') maxTokens = p.value.value;
      }
    }
    return { kind: 'model-instance', cls, id, maxTokens };
  }

  private modelExport(module: ModelProviderModule, name: string): Value | null {
    if (module.instances.includes(name)) return { kind: 'model-provider', provider: module.provider };
    if (module.creators.includes(name)) return { kind: 'model-creator', provider: module.provider };
    return null;
  }

  private moduleValue(file: string, source: string): Value | null {
    const known = this.packageExport(source, '*');
    if (known !== undefined) return known;
    const target = this.project.resolveImport(file, source);
    return target ? { kind: 'module', file: target } : null;
  }

  private evaluateIdentifier(file: string, node: TSESTree.Identifier, anchor: Node = node): Value | null {
    const fi = this.project.get(file);
    const binding = fi?.resolve(node, anchor);
    return fi && binding ? this.bindingValue(file, fi, binding) : null;
  }

  /** What a binding holds: its initialiser (and the keys to it), a declaration, an import, a typed parameter. */
  private bindingValue(file: string, fi: SyntaxModel, binding: Binding): Value | null {
    switch (binding.kind) {
      case 'var':
      case 'let':
      case 'const': {
        const declarator = binding.declarator;
        // A loop's variable holds each item in turn, which this does not follow.
        if (!declarator || binding.keys === null || fi.isLoopVariable(binding)) return null;
        let value = declarator.init ? this.evaluate(file, declarator.init) : null;
        for (const key of binding.keys) value = value ? this.member(file, value, key) : null;
        // A `let` flag may be reassigned before it is read.
        if (value?.kind === 'boolean' && binding.kind !== 'const') return null;
        if (value || binding.keys.length > 0) return value;
        // `let client: OpenAI;` or `let client = null`, assigned later (`client = new OpenAI()`, `client ??= …`).
        return this.declaredType(file, declarator) ?? this.assignedValue(file, fi, declarator);
      }
      case 'class':
        return binding.declaration?.type === T.ClassDeclaration ? { kind: 'user-class', file, node: binding.declaration } : null;
      case 'function':
        return binding.declaration?.type === T.FunctionDeclaration ? { kind: 'function', file, node: binding.declaration } : null;
      case 'import': {
        if (!binding.import) return null;
        const { source, imported } = binding.import;
        const known = this.packageExport(source, imported);
        if (known !== undefined) return known;
        const target = this.project.resolveImport(file, source);
        if (!target) return null;
        if (imported === '*') return { kind: 'module', file: target };
        return this.evaluateExport(target, imported);
      }
      case 'param':
        if (!binding.param || binding.keys === null) return null;
        return binding.keys.length === 0 ? this.evaluateTypedParameter(file, binding.param) : this.evaluateTypedProperty(file, binding.param, binding.keys);
      default:
        return null;
    }
  }

  /** `let client: OpenAI;` / `let client: OpenAI | null = null`: the declared type names an SDK class. */
  private declaredType(file: string, declarator: Node): Value | null {
    if (declarator.type !== T.VariableDeclarator || declarator.id.type !== T.Identifier) return null;
    return this.annotatedClient(file, declarator.id.typeAnnotation?.typeAnnotation, declarator);
  }

  /** A client type in an annotation, also inside a union with null or undefined. */
  private annotatedClient(file: string, type: TSESTree.TypeNode | undefined, anchor: Node): Value | null {
    if (!type) return null;
    if (type.type === T.TSUnionType) {
      for (const t of type.types) {
        const v = this.annotatedClient(file, t, anchor);
        if (v) return v;
      }
      return null;
    }
    if (type.type !== T.TSTypeReference) return null;
    const cls = this.evaluateTypeName(file, type.typeName, anchor);
    return cls?.kind === 'class' ? { kind: 'client', provider: cls.provider, path: [] } : null;
  }

  private readonly assignments = new Map<Node, Value | null>();

  /** What a variable declared without a value is assigned later in its file (the first assignment that resolves). */
  private assignedValue(file: string, fi: SyntaxModel, declarator: Node): Value | null {
    if (this.assignments.has(declarator)) return this.assignments.get(declarator)!;
    if (declarator.type !== T.VariableDeclarator || declarator.id.type !== T.Identifier) return null;
    this.assignments.set(declarator, null);
    // The binding's write references (scope analysis, once per file), not a walk of the file per variable:
    // a file of thousands of `let x; x = y;` pairs was quadratic.
    const binding = fi.resolve(declarator.id);
    const rights: Node[] = [];
    for (const ref of binding ? fi.referencesOf(binding) : []) {
      const parent = fi.parents.get(ref);
      if (parent?.type === T.AssignmentExpression && parent.left === ref && binding!.declarator === declarator) rights.push(parent.right);
    }
    let value: Value | null = null;
    try {
      for (const right of rights) {
        value = this.evaluate(file, right);
        if (value) break;
      }
    } catch (err) {
      // Put off (a chain too long to follow in one go) or failed: the placeholder must not stand for the answer.
      this.assignments.delete(declarator);
      throw err;
    }
    this.assignments.set(declarator, value);
    return value;
  }

  /** `client: OpenAI` or `private readonly claude: Anthropic` — the annotation names the SDK class. */
  private evaluateTypedParameter(file: string, param: Node): Value | null {
    const inner = param.type === T.TSParameterProperty ? param.parameter : param;
    const id = inner.type === T.AssignmentPattern ? inner.left : inner;
    if (id.type !== T.Identifier) return null;
    if (inner.type === T.AssignmentPattern) {
      const fromDefault = this.evaluate(file, inner.right);
      if (fromDefault) return fromDefault;
    }
    const typeName = id.typeAnnotation?.typeAnnotation;
    if (typeName?.type !== T.TSTypeReference) return this.thenParameter(file, param);
    const cls = this.evaluateTypeName(file, typeName.typeName, param);
    return cls?.kind === 'class' ? { kind: 'client', provider: cls.provider, path: [] } : null;
  }

  /** `makeClient().then((openai) => …)`: the first parameter of a `.then` callback is what the promise resolves to. */
  private thenParameter(file: string, param: Node): Value | null {
    const fi = this.project.get(file);
    const fn = fi?.parents.get(param);
    if (!fi || !fn || !isFunctionLike(fn) || fn.params[0] !== param) return null;
    const call = fi.parents.get(fn);
    if (call?.type !== T.CallExpression || call.arguments[0] !== fn || call.callee.type !== T.MemberExpression) return null;
    if (propertyName(call.callee.property, call.callee.computed) !== 'then') return null;
    const value = this.evaluate(file, call.callee.object);
    return value?.kind === 'client' ? value : null;
  }

  /**
   * `function f({ openai }: { openai: OpenAI })` or `({ openai }: Deps)` with `type Deps = { openai: OpenAI }`
   * (or an interface) in the same file: the declared type of the destructured property names the SDK class.
   */
  private evaluateTypedProperty(file: string, param: Node, path: string[]): Value | null {
    const fi = this.project.get(file);
    const inner = param.type === T.TSParameterProperty ? param.parameter : param;
    const pattern = inner.type === T.AssignmentPattern ? inner.left : inner;
    if (!fi || pattern.type !== T.ObjectPattern || path.length !== 1) return null;
    const members = typeMembers(fi, pattern.typeAnnotation?.typeAnnotation);
    for (const m of members ?? []) {
      if (m.type !== T.TSPropertySignature || propertyName(m.key, m.computed) !== path[0]) continue;
      return this.annotatedClient(file, m.typeAnnotation?.typeAnnotation, param);
    }
    return null;
  }

  /** Type annotations are not in the parent index; `anchor` is the annotated node, which is. */
  private evaluateTypeName(file: string, name: TSESTree.EntityName, anchor: Node): Value | null {
    if (name.type === T.Identifier) return this.evaluateIdentifier(file, name, anchor);
    if (name.type === T.TSQualifiedName) {
      const left = this.evaluateTypeName(file, name.left, anchor);
      return left ? this.member(file, left, name.right.name) : null;
    }
    return null;
  }

  private evaluateThisMember(file: string, node: TSESTree.MemberExpression, prop: string): Value | null {
    const fi = this.project.get(file);
    if (!fi) return null;
    let cur: Node | undefined = fi.parents.get(node);
    while (cur && cur.type !== T.ClassBody) cur = fi.parents.get(cur);
    if (!cur) return null;
    for (const el of cur.body) {
      if (el.type === T.PropertyDefinition && propertyName(el.key, el.computed) === prop) {
        if (el.value) return this.evaluate(file, el.value);
        const ann = el.typeAnnotation?.typeAnnotation;
        if (ann?.type === T.TSTypeReference) {
          const cls = this.evaluateTypeName(file, ann.typeName, el);
          if (cls?.kind === 'class') return { kind: 'client', provider: cls.provider, path: [] };
        }
      }
      if (el.type === T.MethodDefinition && el.kind === 'constructor') {
        for (const param of el.value.params) {
          if (param.type === T.TSParameterProperty && parameterPropertyName(param) === prop) {
            return this.evaluateTypedParameter(file, param);
          }
        }
        const assigned = el.value.body ? findThisAssignment(el.value.body, prop) : null;
        if (assigned) return this.evaluate(file, assigned);
      }
    }
    return null;
  }

  private returnValue(file: string, fn: FunctionLike): Value | null {
    if (fn.body && fn.body.type !== T.BlockStatement) return this.evaluate(file, fn.body);
    const returns: TSESTree.Expression[] = [];
    if (fn.body) {
      visit(fn.body, (n) => {
        if (isFunctionLike(n)) return false;
        if (n.type === T.ReturnStatement && n.argument) returns.push(n.argument);
      });
    }
    for (const r of returns) {
      const v = this.evaluate(file, r);
      if (v) return v;
    }
    return null;
  }

  /** The value a module exports under `name` ('default' for the default export). */
  evaluateExport(file: string, name: string): Value | null {
    const key = `${file}#${name}`;
    if (this.exportMemo.has(key)) return this.exportMemo.get(key)!;
    const model = this.project.get(file);
    if (!model || this.inProgress.has(key)) return null;
    return this.nested(
      () => this.evaluateExport(file, name),
      () => {
        this.inProgress.add(key);
        let value: Value | null;
        try {
          value = this.exportValue(model, name);
        } finally {
          this.inProgress.delete(key);
        }
        this.exportMemo.set(key, value);
        return value;
      },
    );
  }

  private exportValue(model: SyntaxModel, name: string): Value | null {
    const target = resolveExport(this.modules, model, name);
    switch (target?.kind) {
      case 'binding':
        return target.binding ? this.bindingValue(target.model.file, target.model, target.binding) : null;
      case 'value': {
        const { value, model: at } = target;
        const whole = value.type === T.FunctionDeclaration ? { kind: 'function' as const, file: at.file, node: value } : value.type === T.ClassDeclaration ? { kind: 'user-class' as const, file: at.file, node: value } : this.evaluate(at.file, value);
        return target.member === undefined || !whole ? whole : this.member(at.file, whole, target.member);
      }
      case 'namespace':
        return { kind: 'module', file: target.model.file };
      case 'external':
        return this.packageExport(target.source, target.imported) ?? null;
      default:
        return null;
    }
  }

  /** Project modules by specifier; the SDK packages of the catalogue are never project files. */
  private readonly modules: ModuleLookup = (fromFile, specifier) => (this.packageExport(specifier, '*') !== undefined ? undefined : this.project.module(fromFile, specifier));
}

/** The members of an object type: a literal, or a type alias or interface declared at the top of the file. */
function typeMembers(fi: SyntaxModel, type: TSESTree.TypeNode | undefined, hops = 0): readonly TSESTree.TypeElement[] | null {
  if (!type || hops > 3) return null;
  if (type.type === T.TSTypeLiteral) return type.members;
  if (type.type !== T.TSTypeReference || type.typeName.type !== T.Identifier) return null;
  const name = type.typeName.name;
  for (const raw of fi.ast.body) {
    const stmt = raw.type === T.ExportNamedDeclaration && raw.declaration ? raw.declaration : raw;
    if (stmt.type === T.TSTypeAliasDeclaration && stmt.id.name === name) return typeMembers(fi, stmt.typeAnnotation, hops + 1);
    if (stmt.type === T.TSInterfaceDeclaration && stmt.id.name === name) return stmt.body.body;
  }
  return null;
}


function isRequireMain(node: TSESTree.MemberExpression): boolean {
  return node.object.type === T.Identifier && node.object.name === 'require' && propertyName(node.property, node.computed) === 'main';
}

function findThisAssignment(body: TSESTree.BlockStatement, prop: string): TSESTree.Expression | null {
  for (const stmt of body.body) {
    if (stmt.type !== T.ExpressionStatement || stmt.expression.type !== T.AssignmentExpression) continue;
    const left = stmt.expression.left;
    if (left.type === T.MemberExpression && left.object.type === T.ThisExpression && propertyName(left.property, left.computed) === prop) {
      return stmt.expression.right;
    }
  }
  return null;
}

export { CLIENT_MODULES };
