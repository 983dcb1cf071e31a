// @ts-check
import js from '@eslint/js';
import regexp from 'eslint-plugin-regexp';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Prisma and its generated client stay inside src/db. */
const PRISMA_ONLY_IN_DB = {
  group: ['@prisma/*', 'prisma', '**/generated/**', './generated/*'],
  message: 'Only src/db may use Prisma; import the entity types from src/domain instead.',
};
/** The red arrows of the layer picture: routes, HTTP, presenters, policies (and the entity types) never see the database. */
const NO_DATABASE = {
  group: ['**/db/**', '**/db'],
  message: 'Only services, jobs and the entry layer import src/db; entity types live in src/domain, reads are service functions.',
};
const SERVICES_NOT_PRESENTERS = {
  group: ['**/presenters/**'],
  message: 'Services return data; presenters shape it for the wire and are called by routes.',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'src/db/generated/', 'test-results/', 'playwright-report/', '.data/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Express 5 handles rejected promises from handlers; passing async handlers is intended.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
    },
  },
  // SQL is parameterised (tagged-template $queryRaw); the string-taking variants invite injection.
  {
    rules: {
      'no-restricted-properties': [
        'error',
        { property: '$queryRawUnsafe', message: 'Use the tagged-template $queryRaw: values become parameters, never SQL text.' },
        { property: '$executeRawUnsafe', message: 'Use the tagged-template $executeRaw: values become parameters, never SQL text.' },
      ],
    },
  },
  // Regular expressions that backtrack or rescan super-linearly let one long input (a URL, a
  // request path, a log line) hold a CPU for seconds (ReDoS).
  {
    files: ['src/**/*.ts', 'scripts/**/*.ts'],
    plugins: { regexp },
    rules: {
      'regexp/no-super-linear-backtracking': 'error',
      'regexp/no-super-linear-move': 'error',
      'regexp/no-dupe-disjunctions': 'error',
      'regexp/no-misleading-capturing-group': 'error',
      'regexp/no-invalid-regexp': 'error',
    },
  },
  // Layers (docs/architecture.md): each block repeats the Prisma patterns because a later
  // no-restricted-imports setting replaces an earlier one instead of adding to it.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/db/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [PRISMA_ONLY_IN_DB] }] },
  },
  {
    files: ['src/services/**/*.ts', 'src/jobs/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [PRISMA_ONLY_IN_DB, SERVICES_NOT_PRESENTERS] }] },
  },
  {
    files: ['src/routes/**/*.ts', 'src/http/**/*.ts', 'src/presenters/**/*.ts', 'src/policies/**/*.ts', 'src/domain/**/*.ts', 'src/types/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [PRISMA_ONLY_IN_DB, NO_DATABASE] }],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[property.name='db']", message: 'Routes, HTTP middleware, presenters and policies reach data through ctx.services, never a database handle.' },
      ],
    },
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  // Same-origin browser scripts (public/js): plain JavaScript outside the TypeScript project.
  {
    files: ['public/js/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['public/js/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser } },
  },
  // The edit form's script is a module so that it can import the rules the unit tests load too.
  {
    files: ['public/js/criteria-form.js', 'public/js/criteria-rules.js'],
    languageOptions: { sourceType: 'module' },
  },
);
