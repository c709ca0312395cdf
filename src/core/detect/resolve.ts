// Follows names to what they hold, across files: imports, `new OpenAI()`, aliases of member chains,
// destructuring, class fields, typed parameters, factory functions, re-exports and CommonJS exports.
// Everything is abstract: the result says "this is an OpenAI client's chat.completions", never runs code.
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import type { Node } from '../parse/walk';
import type { Provider } from '../model';
import { CLIENT_MODULES, ClientModule, clientModuleFor, MODEL_CLASSES, MODEL_METHODS, ModelClass, modelClassFor, ModelProviderModule, modelProviderModuleFor, WrapperCall, wrapperCallFor, WRAPPER_SOURCES } from './catalogue';
import type { FileIndex, ProjectIndex } from '../project';

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

export type FunctionLike = TSESTree.FunctionDeclaration | TSESTree.FunctionExpression | TSESTree.ArrowFunctionExpression;

export type Binding =
  | { kind: 'init'; init: TSESTree.Expression | null; path: string[]; declarator: Node }
  | { kind: 'function'; node: TSESTree.FunctionDeclaration }
  | { kind: 'import'; source: string; imported: string }
  | { kind: 'param'; node: TSESTree.Parameter; path: string[] }
  | { kind: 'class'; node: TSESTree.ClassDeclaration }
  | { kind: 'other' };

export function isFunctionLike(node: Node): node is FunctionLike {
  return (
    node.type === T.FunctionDeclaration || node.type === T.FunctionExpression || node.type === T.ArrowFunctionExpression
  );
}

export function propertyName(node: TSESTree.Node, computed: boolean): string | null {
  if (!computed && node.type === T.Identifier) return node.name;
  if (node.type === T.Literal && typeof node.value === 'string') return node.value;
  if (node.type === T.PrivateIdentifier) return '#' + node.name;
  return null;
}

/** Names bound by a pattern, each with the property path that leads to it. */
function patternNames(pattern: Node, path: string[] = []): { name: string; path: string[] }[] {
  switch (pattern.type) {
    case T.Identifier:
      return [{ name: pattern.name, path }];
    case T.ObjectPattern: {
      const out: { name: string; path: string[] }[] = [];
      for (const prop of pattern.properties) {
        if (prop.type === T.RestElement) continue;
        const key = propertyName(prop.key, prop.computed);
        if (key === null) continue;
        out.push(...patternNames(prop.value, [...path, key]));
      }
      return out;
    }
    case T.AssignmentPattern:
      return patternNames(pattern.left, path);
    case T.ArrayPattern:
      return pattern.elements.flatMap((el, i) => (el ? patternNames(el, [...path, String(i)]) : []));
    case T.TSParameterProperty:
      return patternNames(pattern.parameter, path);
    default:
      return [];
  }
}

function unwrapExpression(node: Node): Node {
  let n = node;
  for (;;) {
    if (
      n.type === T.TSAsExpression ||
      n.type === T.TSNonNullExpression ||
      n.type === T.TSSatisfiesExpression ||
      n.type === T.TSTypeAssertion ||
      n.type === T.AwaitExpression ||
      n.type === T.ChainExpression
    ) {
      n = (n as { expression?: Node; argument?: Node }).expression ?? (n as { argument: Node }).argument;
    } else return n;
  }
}

export class Resolver {
  private readonly memo = new Map<Node, Value | null>();
  private readonly inProgress = new Set<Node | string>();

  constructor(private readonly project: ProjectIndex) {}

  /** What an expression in `file` evaluates to, as far as static reading can tell. */
  evaluate(file: string, node: Node): Value | null {
    if (this.memo.has(node)) return this.memo.get(node)!;
    if (this.inProgress.has(node)) return null;
    this.inProgress.add(node);
    let value: Value | null = null;
    try {
      value = this.evaluateUncached(file, node);
    } finally {
      this.inProgress.delete(node);
    }
    this.memo.set(node, value);
    return value;
  }

  private evaluateUncached(file: string, raw: Node): Value | null {
    const node = unwrapExpression(raw);
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
    if (!fi) return null;
    const binding = lookupBinding(fi, node.name, anchor);
    if (!binding) return null;
    switch (binding.kind) {
      case 'init': {
        let value = binding.init ? this.evaluate(file, binding.init) : null;
        for (const key of binding.path) value = value ? this.member(file, value, key) : null;
        // A `let` flag may be reassigned before it is read.
        if (value?.kind === 'boolean' && !isConstDeclarator(fi, binding.declarator)) return null;
        if (value || binding.path.length > 0) return value;
        // `let client: OpenAI;` or `let client = null`, assigned later (`client = new OpenAI()`, `client ??= …`).
        return this.declaredType(file, binding.declarator) ?? this.assignedValue(file, fi, binding.declarator);
      }
      case 'class':
        return { kind: 'user-class', file, node: binding.node };
      case 'function':
        return { kind: 'function', file, node: binding.node };
      case 'import': {
        const known = this.packageExport(binding.source, binding.imported);
        if (known !== undefined) return known;
        const target = this.project.resolveImport(file, binding.source);
        if (!target) return null;
        if (binding.imported === '*') return { kind: 'module', file: target };
        return this.evaluateExport(target, binding.imported);
      }
      case 'param':
        return binding.path.length === 0 ? this.evaluateTypedParameter(file, binding.node) : this.evaluateTypedProperty(file, binding.node, binding.path);
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
  private assignedValue(file: string, fi: FileIndex, declarator: Node): Value | null {
    if (this.assignments.has(declarator)) return this.assignments.get(declarator)!;
    if (declarator.type !== T.VariableDeclarator || declarator.id.type !== T.Identifier) return null;
    const name = declarator.id.name;
    this.assignments.set(declarator, null);
    const rights: Node[] = [];
    const stack: Node[] = [fi.parsed.ast];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (n.type === T.AssignmentExpression && n.left.type === T.Identifier && n.left.name === name) {
        const b = lookupBinding(fi, name, n.left);
        if (b?.kind === 'init' && b.declarator === declarator) rights.push(n.right);
      }
      for (const key of Object.keys(n)) {
        if (key === 'parent' || key === 'loc' || key === 'range') continue;
        const v = (n as unknown as Record<string, unknown>)[key];
        if (Array.isArray(v)) v.forEach((c) => isNodeLike(c) && stack.push(c));
        else if (isNodeLike(v)) stack.push(v);
      }
    }
    let value: Value | null = null;
    for (const right of rights) {
      value = this.evaluate(file, right);
      if (value) break;
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
          if (param.type === T.TSParameterProperty && patternNames(param).some((n) => n.name === prop)) {
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
    const collect = (n: Node) => {
      if (n !== fn && isFunctionLike(n)) return;
      if (n.type === T.ReturnStatement && n.argument) returns.push(n.argument);
      for (const key of Object.keys(n)) {
        if (key === 'parent') continue;
        const v = (n as unknown as Record<string, unknown>)[key];
        if (Array.isArray(v)) v.forEach((c) => isNodeLike(c) && collect(c));
        else if (isNodeLike(v)) collect(v);
      }
    };
    if (fn.body) collect(fn.body);
    for (const r of returns) {
      const v = this.evaluate(file, r);
      if (v) return v;
    }
    return null;
  }

  /** The value a module exports under `name` ('default' for the default export). */
  evaluateExport(file: string, name: string): Value | null {
    const key = `${file}#${name}`;
    if (this.inProgress.has(key)) return null;
    this.inProgress.add(key);
    try {
      return this.evaluateExportUncached(file, name);
    } finally {
      this.inProgress.delete(key);
    }
  }

  private evaluateExportUncached(file: string, name: string): Value | null {
    const fi = this.project.get(file);
    if (!fi) return null;
    const program = fi.parsed.ast;
    for (const stmt of program.body) {
      if (stmt.type === T.ExportNamedDeclaration) {
        const decl = stmt.declaration;
        if (decl?.type === T.VariableDeclaration) {
          for (const d of decl.declarations) {
            const hit = patternNames(d.id).find((n) => n.name === name);
            if (hit && d.init) {
              let v = this.evaluate(file, d.init);
              for (const k of hit.path) v = v ? this.member(file, v, k) : null;
              return v?.kind === 'boolean' && decl.kind !== 'const' ? null : v;
            }
          }
        } else if (decl && (decl.type === T.FunctionDeclaration) && decl.id?.name === name) {
          return { kind: 'function', file, node: decl };
        } else if (decl?.type === T.ClassDeclaration && decl.id?.name === name) {
          return { kind: 'user-class', file, node: decl };
        }
        for (const spec of stmt.specifiers) {
          const exported = spec.exported.type === T.Identifier ? spec.exported.name : String(spec.exported.value);
          if (exported !== name) continue;
          const local = spec.local.type === T.Identifier ? spec.local.name : String(spec.local.value);
          if (stmt.source) {
            const known = this.packageExport(stmt.source.value, local);
            if (known !== undefined) return known;
            const target = this.project.resolveImport(file, stmt.source.value);
            return target ? this.evaluateExport(target, local) : null;
          }
          return this.evaluate(file, spec.local);
        }
      } else if (stmt.type === T.ExportDefaultDeclaration && name === 'default') {
        const d = stmt.declaration;
        if (d.type === T.FunctionDeclaration) return { kind: 'function', file, node: d };
        if (d.type === T.ClassDeclaration) return { kind: 'user-class', file, node: d };
        return this.evaluate(file, d);
      } else if (stmt.type === T.ExpressionStatement) {
        const v = this.evaluateCommonJsExport(file, stmt.expression, name);
        if (v) return v;
      }
    }
    for (const stmt of program.body) {
      if (stmt.type === T.ExportAllDeclaration && !stmt.exported) {
        const target = this.project.resolveImport(file, stmt.source.value);
        const v = target ? this.evaluateExport(target, name) : null;
        if (v) return v;
      }
    }
    return null;
  }

  private evaluateCommonJsExport(file: string, expr: Node, name: string): Value | null {
    if (expr.type !== T.AssignmentExpression || expr.operator !== '=') return null;
    const target = expr.left;
    if (target.type !== T.MemberExpression) return null;
    const prop = propertyName(target.property, target.computed);
    // module.exports = <value>
    if (isModuleExports(target)) {
      if (name === 'default') return this.evaluate(file, expr.right);
      const whole = this.evaluate(file, expr.right);
      return whole ? this.member(file, whole, name) : null;
    }
    // exports.x = <value> / module.exports.x = <value>
    const obj = target.object;
    if (prop === name && ((obj.type === T.Identifier && obj.name === 'exports') || (obj.type === T.MemberExpression && isModuleExports(obj)))) {
      return this.evaluate(file, expr.right);
    }
    return null;
  }
}

/** The members of an object type: a literal, or a type alias or interface declared at the top of the file. */
function typeMembers(fi: FileIndex, type: TSESTree.TypeNode | undefined, hops = 0): readonly TSESTree.TypeElement[] | null {
  if (!type || hops > 3) return null;
  if (type.type === T.TSTypeLiteral) return type.members;
  if (type.type !== T.TSTypeReference || type.typeName.type !== T.Identifier) return null;
  const name = type.typeName.name;
  for (const raw of fi.parsed.ast.body) {
    const stmt = raw.type === T.ExportNamedDeclaration && raw.declaration ? raw.declaration : raw;
    if (stmt.type === T.TSTypeAliasDeclaration && stmt.id.name === name) return typeMembers(fi, stmt.typeAnnotation, hops + 1);
    if (stmt.type === T.TSInterfaceDeclaration && stmt.id.name === name) return stmt.body.body;
  }
  return null;
}

function isConstDeclarator(fi: FileIndex, declarator: Node): boolean {
  const decl = fi.parents.get(declarator);
  return decl?.type === T.VariableDeclaration && decl.kind === 'const';
}

function isNodeLike(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

function isModuleExports(node: TSESTree.MemberExpression): boolean {
  return node.object.type === T.Identifier && node.object.name === 'module' && propertyName(node.property, node.computed) === 'exports';
}

function isRequireMain(node: TSESTree.MemberExpression): boolean {
  return node.object.type === T.Identifier && node.object.name === 'require' && propertyName(node.property, node.computed) === 'main';
}

/** `require('x')` → 'x'. */
export function requireSource(node: TSESTree.CallExpression): string | null {
  if (node.callee.type !== T.Identifier || node.callee.name !== 'require' || node.arguments.length !== 1) return null;
  const arg = node.arguments[0];
  return arg.type === T.Literal && typeof arg.value === 'string' ? arg.value : null;
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

function declaredIn(statements: readonly Node[], name: string, isProgram: boolean): Binding | null {
  for (const raw of statements) {
    const stmt =
      raw.type === T.ExportNamedDeclaration && raw.declaration ? raw.declaration : raw.type === T.ExportDefaultDeclaration ? raw.declaration : raw;
    if (stmt.type === T.VariableDeclaration) {
      for (const d of stmt.declarations) {
        const hit = patternNames(d.id).find((n) => n.name === name);
        if (hit) return { kind: 'init', init: d.init, path: hit.path, declarator: d };
      }
    } else if (stmt.type === T.FunctionDeclaration && stmt.id?.name === name) {
      return { kind: 'function', node: stmt };
    } else if (stmt.type === T.ClassDeclaration && stmt.id?.name === name) {
      return { kind: 'class', node: stmt };
    } else if (isProgram && stmt.type === T.ImportDeclaration) {
      for (const spec of stmt.specifiers) {
        if (spec.local.name !== name) continue;
        if (spec.type === T.ImportDefaultSpecifier) return { kind: 'import', source: stmt.source.value, imported: 'default' };
        if (spec.type === T.ImportNamespaceSpecifier) return { kind: 'import', source: stmt.source.value, imported: '*' };
        const imported = spec.imported.type === T.Identifier ? spec.imported.name : String(spec.imported.value);
        return { kind: 'import', source: stmt.source.value, imported };
      }
    } else if (isProgram && stmt.type === T.TSImportEqualsDeclaration && stmt.id.name === name) {
      const ref = stmt.moduleReference;
      if (ref.type === T.TSExternalModuleReference && ref.expression.type === T.Literal) {
        return { kind: 'import', source: String(ref.expression.value), imported: '*' };
      }
    }
  }
  return null;
}

/** Scope-aware lookup: the nearest declaration of `name` visible from `from`. */
export function lookupBinding(fi: FileIndex, name: string, from: Node): Binding | null {
  let cur: Node | undefined = from;
  while (cur) {
    const parent: Node | undefined = fi.parents.get(cur);
    switch (cur.type) {
      case T.Program: {
        const b = declaredIn(cur.body, name, true);
        if (b) return b;
        break;
      }
      case T.BlockStatement:
      case T.StaticBlock: {
        const b = declaredIn(cur.body, name, false);
        if (b) return b;
        break;
      }
      case T.SwitchCase: {
        const b = declaredIn(cur.consequent, name, false);
        if (b) return b;
        break;
      }
      case T.ForOfStatement:
      case T.ForInStatement:
      case T.ForStatement: {
        const init = cur.type === T.ForStatement ? cur.init : cur.left;
        if (init && init.type === T.VariableDeclaration) {
          const b = declaredIn([init], name, false);
          if (b) return cur.type === T.ForStatement ? b : { kind: 'other' };
        }
        break;
      }
      case T.FunctionDeclaration:
      case T.FunctionExpression:
      case T.ArrowFunctionExpression: {
        for (const p of cur.params) {
          const hit = patternNames(p).find((n) => n.name === name);
          if (hit) return { kind: 'param', node: p, path: hit.path };
        }
        if (cur.type !== T.ArrowFunctionExpression && cur.id?.name === name && cur.type === T.FunctionExpression) {
          return { kind: 'other' };
        }
        break;
      }
      case T.CatchClause:
        if (cur.param && patternNames(cur.param).some((n) => n.name === name)) return { kind: 'other' };
        break;
      default:
        break;
    }
    cur = parent;
  }
  return null;
}

export { CLIENT_MODULES };
