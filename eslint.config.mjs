// Flat config shared by every workspace. Type-aware rules are left out on purpose: on a 2-core machine
// they double lint time, and `tsc --noEmit` (the typecheck target) already covers what they would catch.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '.stack/**', '.nx/**', '.ci/.node/**', '**/test-output/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    // Nest resolves constructor parameters by their emitted type metadata, so those imports must stay
    // value imports even when they look type-only.
    files: [
      'apps/**/*.ts',
      'libs/saga-core/**/*.ts',
      'libs/outbox-relay/src/nest/**/*.ts',
      'libs/service-kit/**/*.ts',
    ],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
);
