/** Jest: TypeScript through SWC (type checking is `npm run typecheck`). */
const swc = ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript', tsx: true } }, module: { type: 'commonjs' } }];

/** @type {import('jest').Config} */
const base = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': swc },
  transformIgnorePatterns: ['/node_modules/'],
  setupFiles: ['<rootDir>/test/setup-egress.ts'],
  testTimeout: 30000,
};

/**
 * Two runs: every test on the default (kind, fast) offline host, then the suites that cross the
 * platform boundary (integration, host, the receiver reliability suites; the chaos suite is strict
 * itself) again with strict Forge fidelity: lagging queries, KVS and
 * queue rates, push chains cut (FORGE_FIDELITY=strict, read by test/support/host-fixture.ts).
 */
/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30000,
  projects: [
    {
      ...base,
      displayName: 'default',
      roots: ['<rootDir>/src', '<rootDir>/local', '<rootDir>/test', '<rootDir>/static'],
      testMatch: ['**/*.test.ts', '**/*.test.tsx'],
    },
    {
      ...base,
      displayName: 'strict',
      roots: ['<rootDir>/test'],
      testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/host/**/*.test.ts', '<rootDir>/test/reliability/receiver-*.test.ts'],
      setupFiles: [...base.setupFiles, '<rootDir>/test/setup-strict-fidelity.ts'],
    },
  ],
};
