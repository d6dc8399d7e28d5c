// DESIGN.md's layers as an ESLint rule: each folder of src/ (and webview/) names the folders it may
// import from, and the outside modules it may not; anything else of ours, an upward or sideways
// import, is an error. Every form of import counts: static, `export ... from`, dynamic `import()`
// and `import('...')` types. No exceptions list: a file that needs something from above is in the
// wrong folder, or the thing it needs is.
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));

/** A module's name without `node:` and without a subpath: `node:fs/promises` -> `fs`. */
function moduleName(specifier) {
  const bare = specifier.replace(/^node:/, '');
  return bare.startsWith('@') ? bare.split('/').slice(0, 2).join('/') : bare.split('/')[0];
}

/** Outside modules a layer may not import, each ban with DESIGN.md's reason. */
const onlyEditorImportsVscode = {
  denies: (name) => name === 'vscode',
  reason: 'only src/vscode/ and src/extension.ts import vscode',
};
const networkModules = new Set(['http', 'https', 'http2', 'net', 'tls', 'dgram', 'dns', 'undici', 'ws']);
const coreKnowsNoNetwork = {
  denies: (name) => networkModules.has(name),
  reason: 'src/core/ knows no network; network code belongs in src/remote/ or src/server/',
};
const nodeBuiltins = new Set(builtinModules.map(moduleName));
const runsInTheWebview = {
  denies: (name) => nodeBuiltins.has(name),
  reason: 'it runs in the webview, a browser, which has no Node built-ins',
};

/**
 * Layer -> the layers it may import at run time (`types`: type-only imports from any layer are
 * fine) and the outside modules it may not import in any form.
 */
export const layers = {
  core: { may: [], deny: [onlyEditorImportsVscode, coreKnowsNoNetwork] },
  capture: { may: ['core'], deny: [onlyEditorImportsVscode] },
  importers: { may: ['core'], deny: [onlyEditorImportsVscode] },
  remote: { may: ['core'], deny: [onlyEditorImportsVscode] },
  // Launched scripts' supervisors and the server process they may start: below the editor, beside the store.
  supervisor: { may: ['core'], deny: [onlyEditorImportsVscode] },
  // Typed messages shared by the hosts and the webview, which bundles them: nothing of ours at run time.
  protocol: { may: [], types: true, deny: [onlyEditorImportsVscode, runsInTheWebview] },
  dashboards: { may: ['core', 'remote', 'protocol'], deny: [onlyEditorImportsVscode] },
  server: { may: ['core', 'capture', 'importers', 'remote', 'protocol', 'dashboards', 'supervisor'], deny: [onlyEditorImportsVscode] },
  cli: { may: ['core', 'capture', 'importers', 'remote', 'protocol', 'dashboards', 'server', 'supervisor'], deny: [onlyEditorImportsVscode] },
  vscode: { may: ['core', 'capture', 'importers', 'remote', 'protocol', 'dashboards', 'server', 'supervisor'], deny: [] },
  webview: { may: ['protocol'], types: true, deny: [onlyEditorImportsVscode, runsInTheWebview] },
};

/**
 * The layer of an absolute file path, or undefined outside src/ and webview/ (tests, scripts). A
 * file directly in src/ other than extension.ts is a layer of its own name, which the table lacks.
 */
export function layerOf(file) {
  const relative = path.relative(root, file).split(path.sep);
  if (relative[0] === 'webview') return 'webview';
  if (relative[0] !== 'src') return undefined;
  if (relative.length === 2) return relative[1] === 'extension.ts' ? 'vscode' : relative[1].replace(/\.ts$/, '');
  return relative[1];
}

/** How messages name a layer's folder. */
const folderOf = (layer) => (layer === 'webview' ? 'webview/' : `src/${layer}/`);

export const layerRule = {
  meta: {
    type: 'problem',
    docs: { description: "Imports follow DESIGN.md's layers" },
    messages: {
      upward: "{{fromFolder}} may not import from {{to}} (DESIGN.md, Layers: {{from}} imports only {{allowed}}{{types}}).",
      module: "{{fromFolder}} may not import '{{module}}' (DESIGN.md, Layers: {{reason}}).",
      unknown: "{{file}} is in no layer of DESIGN.md: add its folder to scripts/lint/layerRule.mjs's layers (and to DESIGN.md's picture).",
    },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const from = layerOf(file);
    if (from === undefined) return {};
    const layer = layers[from];
    if (layer === undefined) {
      return { Program: (node) => context.report({ node, messageId: 'unknown', data: { file: path.relative(root, file) } }) };
    }
    const check = (node, source, typeOnly) => {
      if (typeof source?.value !== 'string') return;
      if (!source.value.startsWith('.')) {
        const ban = layer.deny.find((rule) => rule.denies(moduleName(source.value)));
        if (ban !== undefined) {
          context.report({ node: source, messageId: 'module', data: { fromFolder: folderOf(from), module: source.value, reason: ban.reason } });
        }
        return;
      }
      const target = path.resolve(path.dirname(file), source.value);
      const to = layerOf(target.endsWith('.ts') ? target : `${target}.ts`) ?? layerOf(path.join(target, 'index.ts'));
      if (to === undefined || to === from || layer.may.includes(to) || (typeOnly && layer.types)) return;
      const allowed = layer.may.length === 0 ? 'nothing of ours' : layer.may.join(', ');
      const data = { from, fromFolder: folderOf(from), to: folderOf(to), allowed, types: layer.types ? ' at run time; types from anywhere' : '' };
      context.report({ node: source, messageId: 'upward', data });
    };
    const typeOnlyImport = (node) =>
      node.importKind === 'type' || (node.specifiers.length > 0 && node.specifiers.every((specifier) => specifier.importKind === 'type'));
    const typeOnlyExport = (node) =>
      node.exportKind === 'type' || (node.specifiers?.length > 0 && node.specifiers.every((specifier) => specifier.exportKind === 'type'));
    return {
      ImportDeclaration: (node) => check(node, node.source, typeOnlyImport(node)),
      ExportNamedDeclaration: (node) => check(node, node.source, typeOnlyExport(node)),
      ExportAllDeclaration: (node) => check(node, node.source, node.exportKind === 'type'),
      ImportExpression: (node) => check(node, node.source, false),
      TSImportType: (node) => check(node, node.argument?.literal ?? node.argument, true),
      TSImportEqualsDeclaration: (node) => check(node, node.moduleReference.expression, node.importKind === 'type'),
    };
  },
};
