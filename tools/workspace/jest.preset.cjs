/**
 * The jest preset every Slice project extends: swc strips the types (type checking is the
 * `typecheck` target's job), tests live in `test/` or next to the code as `*.spec.ts`.
 *
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  setupFiles: [require('node:path').join(__dirname, 'jest.setup.cjs')],
  testMatch: ['<rootDir>/**/*.spec.ts', '<rootDir>/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/cdk.out/', '/fixtures/'],
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2024' },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  clearMocks: true,
  restoreMocks: true,
};
