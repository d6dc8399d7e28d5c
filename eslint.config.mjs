// Lint keeps DESIGN.md's layers: each folder of src/ and webview/ imports only the layers below it,
// and none but src/vscode imports `vscode` (scripts/lint/layerRule.mjs, in every form of import);
// core knows no network, not even through a global.
import tseslint from 'typescript-eslint';
import { layerRule } from './scripts/lint/layerRule.mjs';

const noNetworkInCore = 'src/core/ knows no network (DESIGN.md, Layers): network code belongs in src/remote/ or src/server/.';
const networkGlobals = ['fetch', 'WebSocket', 'XMLHttpRequest', 'EventSource'];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', 'examples/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Outside the layers (unit tests, bench, scripts): vscode only in the integration tests below.
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'vscode', message: 'Only src/vscode/, src/extension.ts and test/integration/ may import vscode (DESIGN.md, Layers).' }] },
      ],
    },
  },
  {
    // The layer rule owns every import of src/ and webview/, vscode included.
    files: ['src/**/*.ts', 'webview/**/*.ts'],
    plugins: { runlens: { rules: { layers: layerRule } } },
    rules: { 'runlens/layers': 'error', 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', ...networkGlobals.map((name) => ({ name, message: noNetworkInCore }))],
      'no-restricted-properties': [
        'error',
        ...['globalThis', 'global'].flatMap((object) => networkGlobals.map((property) => ({ object, property, message: noNetworkInCore }))),
      ],
    },
  },
  {
    files: ['test/integration/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // In the extension, failures go to the RunLens log (src/vscode/runLensLog.ts), which the person can open.
    files: ['src/vscode/**/*.ts', 'src/extension.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
