// Lint: typescript-eslint's recommended rules, plus the import direction of DESIGN.md enforced with
// import-x/no-restricted-paths (imports point down: cli/server -> app -> features, ops -> access,
// storage, views, db, lib -> config; only routes, the routes' shared helpers and plugins touch Fastify).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const layer = (target, from, message) => ({ target, from, message });
// Read from the folder so a new feature is covered by the zones below without editing this file.
const features = readdirSync(join(import.meta.dirname, 'src/features'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const others = (feature) => features.filter((f) => f !== feature);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'var/**', 'test-results/**', 'landing/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
      // Without these, import-x reads no .ts file it resolves to, and no-cycle silently finds nothing.
      'import-x/extensions': importX.flatConfigs.typescript.settings['import-x/extensions'],
      'import-x/parsers': importX.flatConfigs.typescript.settings['import-x/parsers'],
    },
    rules: {
      '@typescript-eslint/no-explicit-any': ['error', { ignoreRestArgs: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-empty-object-type': 'off',
      // A cycle makes load order decide which import is still undefined. import-x does not follow
      // `import type` (erased at build), so a cycle made only of type imports is not reported.
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            layer('./src/lib', ['./src/features', './src/plugins', './src/routes', './src/views', './src/cli', './src/app.ts', './src/server.ts', './src/db', './src/ops'], 'lib/ is framework-free and sits at the bottom.'),
            layer('./src/db', ['./src/features', './src/plugins', './src/routes', './src/views', './src/cli', './src/app.ts', './src/server.ts', './src/ops'], 'db/ must not depend on the layers above it.'),
            layer('./src/config', ['./src/features', './src/plugins', './src/routes', './src/views', './src/cli', './src/app.ts', './src/server.ts', './src/db', './src/lib', './src/ops'], 'config/ is the bottom layer.'),
            layer('./src/views', ['./src/db/index.ts', './src/db/migrator.ts', './src/plugins', './src/routes', './src/cli'], 'Views are pure: no database, no Fastify.'),
            layer('./src/views', ['./src/features/*/repository.ts'], 'Views are pure: no database.'),
            // A feature's own views too: they render what the routes hand them.
            layer('./src/features/*/views/**', ['./src/db/index.ts', './src/db/migrator.ts', './src/plugins', './src/routes', './src/cli'], "A feature's views are pure: no database, no Fastify."),
            layer('./src/features/*/views/**', ['./src/features/*/repository.ts'], "A feature's views are pure: no database."),
            ...features.map((f) =>
              layer(`./src/features/${f}`, others(f).map((o) => `./src/features/${o}/repository.ts`), "Call another feature's service, never its repository."),
            ),
            ...features.map((f) =>
              layer(`./src/features/${f}`, others(f).flatMap((o) => [`./src/features/${o}/routes.tsx`, `./src/features/${o}/views`]), "Call another feature's service, never its routes or views."),
            ),
            layer('./src/seeds', ['./src/features/*/repository.ts'], 'Seeds build data through the feature services.'),
            layer('./src/features', ['./src/cli', './src/app.ts', './src/server.ts'], 'Features never import the CLI or the app.'),
            layer('./src/plugins', ['./src/cli', './src/app.ts', './src/server.ts', './src/routes'], 'Plugins never import the CLI, the app or the routes\' helpers (which build on them).'),
            // Plugins and the routes' shared helpers never import features: a feature builds on them.
            // Tests are outside both rules: they drive the whole app.
            layer('./src/plugins/**/!(*.test).{ts,tsx}', ['./src/features'], 'Plugins never import features: move the shared piece down (lib/, access.ts, context.ts) or into the feature.'),
            layer('./src/routes/**/!(*.test).{ts,tsx}', ['./src/features'], "The routes' shared helpers (src/routes) never import features: a helper one kind of record needs lives with that feature (features/people for students and lecturers)."),
            layer('./src/routes', ['./src/cli', './src/app.ts', './src/server.ts'], 'Route helpers never import the CLI or the app.'),
            layer('./src/ops', ['./src/features'], "Operators' jobs never import features: what they share with the app lives below both (db/, storage/, lib/)."),
            layer('./src/ops', ['./src/routes'], "Operators' jobs run without HTTP: they import no route helper."),
            // The types both plugins and features use (ServiceContext, AuthContext, SessionStore) sit below both.
            ...['./src/context.ts', './src/session-store.ts'].map((shared) =>
              layer(shared, ['./src/features', './src/plugins', './src/routes', './src/views', './src/cli', './src/app.ts', './src/server.ts', './src/ops'], 'Shared context types sit below the features and plugins that use them.'),
            ),
            layer('./src/access.ts', ['./src/features', './src/plugins', './src/routes', './src/views', './src/cli'], 'The policy depends on nothing above it.'),
          ],
        },
      ],
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['fastify', '@fastify/*', 'fastify-plugin'], message: 'Only routes.tsx, the people route kit (features/people), plugins/, routes/, app.ts and server.ts import Fastify.' }] },
      ],
    },
  },
  {
    // The places allowed to touch Fastify: besides each feature's routes, the people kit's shared
    // routes (features/people), which students and lecturers register with their own kind.
    files: [
      'src/features/**/routes.{ts,tsx}',
      'src/features/people/{person-kind,photo-routes,account-routes,new-person-form}.ts',
      'src/plugins/**',
      'src/routes/**',
      'src/app.ts',
      'src/server.ts',
      'test/**',
      'src/**/*.test.{ts,tsx}',
    ],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // A multipart body is read once: the CSRF hook has already taken its first part (the token),
    // so a second parser started by request.parts() or request.file() would fight over the stream.
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/plugins/multipart-form.ts', 'src/**/*.test.{ts,tsx}'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name=/^(parts|file|files|saveRequestFiles)$/][callee.object.name=/^(request|req)$/]",
          message: 'Read multipart bodies through formParts(), readUpload() or readFormWithOptionalFile() (plugins/uploads.ts): the CSRF check has read the first part.',
        },
      ],
    },
  },
  {
    // Migrations work on Kysely<any>: they describe the schema as it was then, not today's types.
    files: ['src/db/migrations/**', 'src/db/migration-helpers.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', window: 'readonly', document: 'readonly' } },
  },
);
