/**
 * Side-effect import, first in bench/main.ts and bench/ingest-driver.ts: lets tsx's CommonJS load middy 7
 * (ESM-only, `import` export condition only), using the local runtime's hook so both do the same.
 */
import { allowRequireOfEsmOnlyPackages } from '../local/esm-interop';

allowRequireOfEsmOnlyPackages();
