// ESLint: typescript-eslint's recommended rules plus the import boundaries of the architecture:
// entry points -> use cases (src/app) -> domain (src/domain) -> platform adapters (src/forge).
import tseslint from 'typescript-eslint';

const forgePlatform = ['@forge/kvs', '@forge/events', '@forge/api'];
const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'static/dist/**', 'dist/**', 'coverage/**', '.forge-local/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // Plain Node scripts (CommonJS) run by CI before any build.
    files: ['scripts/**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: { globals: { require: 'readonly', process: 'readonly', console: 'readonly' } },
  },
  {
    // The domain is pure: no platform, no I/O, nothing from the layers above it.
    files: ['src/domain/**/*.ts'],
    ignores: ['src/domain/**/*.test.ts'],
    rules: restrict(
      ['@forge/*', '**/app/**', '**/forge/**', '**/resolvers/**', '**/consumers/**', '**/triggers/**', '**/webtriggers/**', '**/local/**', 'node:fs', 'fs', 'node:http', 'node:https', 'node:net'],
      'src/domain is pure: pass data and time in, keep I/O and the platform out.',
    ),
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: restrict(['@forge/*', '**/app/**', '**/forge/**', '**/local/**'], 'src/shared holds contracts used by the UI too.'),
  },
  {
    // Use cases know the platform only through their ports (src/app/ports.ts); src/forge implements them.
    files: ['src/app/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: restrict([...forgePlatform, '**/forge/**', '**/local/**', '**/resolvers/**', '**/consumers/**', '**/triggers/**', '**/webtriggers/**'], 'src/app sees the platform only through its ports; src/forge implements them, entry points wire them.'),
  },
  {
    // Only src/forge talks to the platform SDKs; use cases get small interfaces instead.
    files: ['src/resolvers/**/*.ts', 'src/consumers/**/*.ts', 'src/triggers/**/*.ts', 'src/webtriggers/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: restrict([...forgePlatform, '**/local/**'], 'Only src/forge imports @forge/kvs, @forge/events and @forge/api; the deployed app never imports local/.'),
  },
  {
    files: ['src/forge/**/*.ts', 'src/index.ts'],
    rules: restrict(['**/local/**', '**/test/**'], 'The deployed app never imports the offline host or tests.'),
  },
  {
    files: ['static/**/*.{ts,tsx}'],
    rules: restrict(['@forge/kvs', '@forge/events', '@forge/api', '**/src/app/**', '**/src/forge/**', '**/local/**'], 'The UI talks to the backend only through the resolver contract in src/shared.'),
  },
);
