import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'out/**', 'coverage/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['**/*.mjs', '**/*.js'], languageOptions: { globals: globals.node } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The pure domain core must not reach for I/O, clocks or the environment.
    files: ['shared/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@aws-sdk/*', 'ioredis', '**/adapters/**', 'node:fs', 'node:process'] }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Domain code takes time from its arguments.' }],
      'no-restricted-globals': ['error', { name: 'process', message: 'Domain code takes config from its arguments.' }],
    },
  },
);
