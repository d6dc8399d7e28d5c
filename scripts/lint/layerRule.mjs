// DESIGN.md's layers as an ESLint rule: each folder of src/ (and webview/) names the folders it may
// import from; anything else, an upward or sideways import, is an error. No exceptions list: a file
// that needs something from above is in the wrong folder, or the thing it needs is.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));

/** Layer -> the layers it may import at run time. `types`: type-only imports from any layer are fine. */
export const layers = {
  core: { may: [] },
  capture: { may: ['core'] },
  importers: { may: ['core'] },
  remote: { may: ['core'] },
  // Launched scripts' supervisors and the server process they may start: below the editor, beside the store.
  supervisor: { may: ['core'] },
  // Typed messages shared by the hosts and the webview, which bundles them: nothing of ours at run time.
  protocol: { may: [], types: true },
  dashboards: { may: ['core', 'remote', 'protocol'] },
  server: { may: ['core', 'capture', 'importers', 'remote', 'protocol', 'dashboards', 'supervisor'] },
  cli: { may: ['core', 'capture', 'importers', 'remote', 'protocol', 'dashboards', 'server', 'supervisor'] },
  vscode: { may: ['core', 'capture', 'importers', 'remote', 'protocol', 'dashboards', 'server', 'supervisor'] },
  webview: { may: ['protocol'], types: true },
};

/** The layer of an absolute file path, or undefined outside src/ and webview/ (tests, scripts). */
export function layerOf(file) {
  const relative = path.relative(root, file).split(path.sep);
  if (relative[0] === 'webview') return 'webview';
  if (relative[0] !== 'src') return undefined;
  if (relative.length === 2) return relative[1] === 'extension.ts' ? 'vscode' : undefined;
  return relative[1];
}

export const layerRule = {
  meta: {
    type: 'problem',
    docs: { description: "Imports follow DESIGN.md's layers" },
    messages: {
      upward: "src/{{from}}/ may not import from {{to}}/ (DESIGN.md, Layers: {{from}} imports only {{allowed}}{{types}}).",
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
      if (typeof source?.value !== 'string' || !source.value.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), source.value);
      const to = layerOf(target.endsWith('.ts') ? target : `${target}.ts`) ?? layerOf(path.join(target, 'index.ts'));
      if (to === undefined || to === from || layer.may.includes(to) || (typeOnly && layer.types)) return;
      const allowed = layer.may.length === 0 ? 'nothing of ours' : layer.may.join(', ');
      const toFolder = to === 'webview' ? 'webview' : `src/${to}`;
      context.report({ node: source, messageId: 'upward', data: { from, to: toFolder, allowed, types: layer.types ? ' at run time; types from anywhere' : '' } });
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
    };
  },
};
