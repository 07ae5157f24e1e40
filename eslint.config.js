// Lint: typescript-eslint + Nx module boundaries (services never import services; libs
// never import services; libs/events depends only on its schema library) + the house rule
// that only Nest glue and adapter folders import Nest and the infrastructure clients.
const tseslint = require('typescript-eslint');
const nx = require('@nx/eslint-plugin');

const INFRA = ['@nestjs/*', 'kafkajs', '@platformatic/kafka', '@clickhouse/client', 'chdb', 'chdb/*', 'ioredis'];

module.exports = tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.tools/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: [
            { sourceTag: 'scope:contract', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'scope:app', onlyDependOnLibsWithTags: ['type:lib', 'type:service'] },
            { sourceTag: 'scope:collector', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'scope:pipeline', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'scope:alerting', onlyDependOnLibsWithTags: ['type:lib'] },
          ],
        },
      ],
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: INFRA, message: 'Only Nest glue (*.module.ts, *.listener.ts, *.consumer.ts, *.controller.ts, main.ts) and adapter folders (kafka/, clickhouse/, chdb/, redis/) import Nest or infrastructure clients (style.md rule 3).' }] },
      ],
    },
  },
  {
    files: [
      '**/*.module.ts', '**/*.listener.ts', '**/*.consumer.ts', '**/*.controller.ts', '**/main.ts',
      // libs/runtime boots a service; the standalone app is the `sonde` shell (its domain code,
      // the status screen, stays under status/ and is still held to the rule).
      'libs/runtime/**', 'services/standalone/src/*.ts', 'services/standalone/src/commands/**', '**/kafka/**', '**/kafka-platformatic/**', '**/clickhouse/**', '**/chdb/**', '**/redis/**', '**/*.spec.ts', '**/*.int-spec.ts', 'bench/**',
    ],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
