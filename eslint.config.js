// Layer boundaries (GUIDE section 1) are lint errors, so a wrong import fails CI.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const layer = (name) => ({ regex: `^(\\.\\./)+(\\.\\./)*${name}(/|$)`, message: `this layer must not import ${name}/ (GUIDE section 1)` });
const electronPkg = { name: 'electron', message: "only electron/main and electron/preload may import 'electron'" };
const builtins = nodeBuiltins.map((name) => ({ name, message: 'no Node built-ins here: this code also runs in the renderer' }));

const restrict = (files, { paths = [], patterns = [] }) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
});

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', '.cache/**', '**/.build/**', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "Property[key.name='shell'][value.value=true]", message: 'never run a shell: argv arrays through the runner' },
        { selector: "CallExpression[callee.name='execSync']", message: 'never run a shell: argv arrays through the runner' },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  restrict(['shared/**'], { paths: [electronPkg, ...builtins], patterns: [layer('electron'), layer('renderer'), layer('helpers')] }),
  restrict(['renderer/**'], { paths: [electronPkg, ...builtins], patterns: [layer('electron'), layer('helpers')] }),
  restrict(['helpers/**'], { paths: [electronPkg], patterns: [layer('electron'), layer('renderer')] }),
  restrict(['electron/services/**', 'electron/server/**', 'electron/cli/**'], {
    paths: [electronPkg],
    patterns: [layer('renderer'), layer('helpers'), layer('main'), layer('preload')],
  }),
  restrict(['electron/main/**', 'electron/preload/**'], { patterns: [layer('renderer'), layer('helpers')] }),
);
