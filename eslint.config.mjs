// Lint keeps DESIGN.md's layers: only src/vscode (and src/extension.ts) may import `vscode`,
// and the webview may import runtime code from src/ only through src/protocol.
import tseslint from 'typescript-eslint';

const noVscode = {
  name: 'vscode',
  message: 'Only src/vscode/ and src/extension.ts may import vscode (DESIGN.md, Layers).',
};

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
    files: ['src/vscode/**/*.ts', 'src/extension.ts', 'test/integration/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // In the extension, failures go to the RunLens log (src/vscode/runLensLog.ts), which the person can open.
    files: ['src/vscode/**/*.ts', 'src/extension.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode],
          patterns: [
            {
              regex: '^(\\.\\./)+src/(?!protocol/)',
              allowTypeImports: true,
              message: 'The webview imports runtime code from src/ only through src/protocol (types are fine).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
