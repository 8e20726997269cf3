// Layering is enforced here, not by convention: the core (agent, providers, tools, host, shared, node) never imports
// `vscode` or the webview; the webview imports only src/shared. Floating promises are errors: a dropped promise is a
// dropped tool result.
import tseslint from 'typescript-eslint';

const noVscode = { name: 'vscode', message: 'Only src/vscode may import vscode: take a host interface (src/host) instead.' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'test-results/**', 'test/host/**', 'test/fixtures/**', '**/*.mjs', '**/*.js'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      // Lazy bundles (dist/lazy/*) carry their own copies of these classes: instanceof misses the other bundles' errors.
      'no-restricted-syntax': [
        'error',
        { selector: "BinaryExpression[operator='instanceof'][right.name=/^(ProviderError|ToolError)$/]", message: 'Use ProviderError.is(e) / ToolError.is(e): each lazy bundle has its own copy of the class.' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/vscode/**', 'src/webview/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noVscode], patterns: [{ group: ['**/webview/**', '**/vscode/**'], message: 'The core must not depend on the UI or VS Code layers.' }] }],
    },
  },
  {
    files: ['src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode],
          patterns: [
            { group: ['**/agent/*', '**/providers/*', '**/tools/*', '**/host/*', '**/node/*', '**/vscode/*', '**/cli'], message: 'The webview imports only src/shared (and its own modules).' },
            { group: ['node:*'], message: 'The webview runs in a browser.' },
          ],
        },
      ],
    },
  },
);
