// Lint keeps DESIGN.md's layers: each folder imports only the layers below it (scripts/lint/layerRule.mjs),
// only src/vscode (and src/extension.ts) may import `vscode`, and core knows no network.
import tseslint from 'typescript-eslint';
import { layerRule } from './scripts/lint/layerRule.mjs';

const noVscode = {
  name: 'vscode',
  message: 'Only src/vscode/ and src/extension.ts may import vscode (DESIGN.md, Layers).',
};
const noNetworkInCore = 'src/core/ knows no network (DESIGN.md, Layers): network code belongs in src/remote/ or src/server/.';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', 'examples/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { paths: [noVscode] }],
    },
  },
  {
    files: ['src/**/*.ts', 'webview/**/*.ts'],
    plugins: { runlens: { rules: { layers: layerRule } } },
    rules: { 'runlens/layers': 'error' },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode, ...['http', 'https', 'net', 'tls', 'dgram', 'http2'].flatMap((name) => [name, `node:${name}`]).map((name) => ({ name, message: noNetworkInCore }))],
        },
      ],
      'no-restricted-globals': ['error', ...['fetch', 'WebSocket', 'XMLHttpRequest', 'EventSource'].map((name) => ({ name, message: noNetworkInCore }))],
    },
  },
  {
    files: ['src/vscode/**/*.ts', 'src/extension.ts', 'test/integration/**/*.ts'],
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
