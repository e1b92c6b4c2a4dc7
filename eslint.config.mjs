// Lint rules that hold the project's shape: typescript-eslint's type-aware recommended rules,
// and the layers (knowledge/ ← dialogs/ ← bot/) as import restrictions.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Packages that talk to the outside world: only bot/ (the adapters) may import them. */
const TRANSPORTS = ['restify', 'ioredis', 'bullmq', 'nodemailer', 'pg', 'smtp-server', '@electric-sql/pglite', 'mailparser', 'mailauth', 'busboy', 'botbuilder', 'prom-client', '@opentelemetry/*'];

const transportRule = (extra) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: TRANSPORTS.filter((p) => !p.includes('*')).map((name) => ({ name, message: 'Transports belong in bot/ behind a port that dialogs/ owns.' })),
      patterns: [
        { group: TRANSPORTS.filter((p) => p.includes('*')), message: 'Transports belong in bot/ behind a port that dialogs/ owns.' },
        ...extra,
      ],
    },
  ],
});

export default tseslint.config(
  { ignores: ['dist/**', 'dist-*/**', 'node_modules/**', 'manifest/build/**', 'bot/web/public/**', 'eslint.config.mjs', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Adapters and fakes implement Promise-returning ports with async methods that need no
      // await; the rule would only trade them for Promise.resolve wrappers. The promise rules
      // that catch real bugs (no-floating-promises, no-misused-promises) stay on.
      '@typescript-eslint/require-await': 'off',
      // botbuilder types Activity.type as a string and its constants (ActivityTypes) as enums:
      // comparing the two is how the SDK is meant to be used.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Node's built-ins are imported one way: with the node: prefix.
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value=/^(assert|buffer|child_process|crypto|dns|events|fs|fs\\/promises|http|https|net|os|path|stream|stream\\/promises|timers|timers\\/promises|tls|url|util|worker_threads|zlib)$/]",
          message: "Import Node's built-ins with the node: prefix.",
        },
      ],
    },
  },
  {
    files: ['knowledge/**/*.ts'],
    rules: transportRule([
      { group: ['**/dialogs/**', '**/bot/**', '**/dialogs', '**/bot'], message: 'knowledge/ imports nothing of ours: dependencies point inward.' },
      { group: ['botbuilder*'], message: 'knowledge/ is free of transport imports.' },
    ]),
  },
  {
    files: ['dialogs/**/*.ts'],
    rules: transportRule([{ group: ['**/bot/**', '**/bot'], message: 'dialogs/ imports nothing of bot/: dependencies point inward.' }]),
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // chai's property assertions (expect(x).to.be.true) are expressions by design.
      '@typescript-eslint/no-unused-expressions': 'off',
      // botbuilder-testing's replies, parsed JSON and stored items are `any` by their libraries'
      // types; tests read them to assert on them. The product code keeps these rules.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      // Test helpers are static functions destructured for brevity; none uses `this`.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
