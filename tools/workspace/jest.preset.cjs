/**
 * The jest preset every Slice project extends: swc strips the types (type checking is the
 * `typecheck` target's job), tests live in `test/` or next to the code as `*.spec.ts`.
 *
 * @type {import('jest').Config}
 */
const { join } = require('node:path');

const modules = join(__dirname, '../../node_modules');

module.exports = {
  testEnvironment: 'node',
  setupFiles: [join(__dirname, 'jest.setup.cjs')],
  setupFilesAfterEnv: [join(__dirname, 'jest.cdk-context.cjs')],
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
  // middy, jose and marked ship ESM only; jest runs tests as CommonJS, so swc transforms those as well.
  moduleNameMapper: {
    '^@middy/([a-z-]+)$': join(modules, '@middy/$1/index.js'),
    '^jose$': join(modules, 'jose/dist/webapi/index.js'),
  },
  transformIgnorePatterns: ['/node_modules/(?!(@middy|jose|marked)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  clearMocks: true,
  restoreMocks: true,
};
