import { resolve, sep } from 'node:path';

/** PROJECT_ROOT is the repository root, whether running from source (ts-jest) or from dist/. */
export const PROJECT_ROOT = __dirname.split(sep).includes('dist') ? resolve(__dirname, '..', '..') : resolve(__dirname, '..');
