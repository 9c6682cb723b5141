/**
 * The project's schema library: zod's tree-shakable `zod/mini` build (about 70 KiB less per bundle
 * than classic zod), with the English messages classic zod has built in (API answers and logs quote
 * them). Import as `import * as z from '../common/zod'`, so esbuild keeps only what is used.
 */
import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());

export * from 'zod/mini';
