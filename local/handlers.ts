import { FUNCTION_NAMES, type FunctionName } from '../functions/common/routes';
import { allowRequireOfEsmOnlyPackages } from './esm-interop';
import type { LambdaHandler } from './lambda-context';

/**
 * Loads each function's `wire(env)` (functions/<name>/handler.ts) and builds its handler with the local
 * environment, the same wiring Lambda runs through functions/<name>/index.ts. Modules are imported lazily,
 * so a stack started with stand-in handlers (tests) never loads the real ones.
 */

export type Env = Record<string, string | undefined>;
export type HandlerMap = Record<FunctionName, LambdaHandler>;

interface HandlerModule {
  wire: (env: Env) => LambdaHandler;
}

export type HandlerModuleLoader = (name: FunctionName) => Promise<HandlerModule>;

// The path is built at run time so this file compiles before every function exists.
export const loadHandlerModule: HandlerModuleLoader = async (name) => {
  allowRequireOfEsmOnlyPackages();
  return (await import(`../functions/${name}/handler`)) as HandlerModule;
};

/**
 * The functions' timeouts, as lib/functions/* sets them in AWS. The local queue keeps the provisioned
 * 30 s visibility timeout (AWS: 6 × the worker's timeout), so a failed record returns sooner locally.
 */
export const FUNCTION_TIMEOUTS_MS: Record<FunctionName, number> = {
  'webhook-ingest': 10_000,
  'channel-api': 10_000,
  'order-worker': 30_000,
  'hook-manager': 600_000,
  'support-widget': 10_000,
};

export class HandlerLoadError extends Error {
  override name = 'HandlerLoadError';
}

export async function wireHandlers(
  env: Env,
  given: Partial<HandlerMap> = {},
  load: HandlerModuleLoader = loadHandlerModule,
): Promise<HandlerMap> {
  const entries = await Promise.all(
    FUNCTION_NAMES.map(async (name): Promise<[FunctionName, LambdaHandler]> => {
      const stand = given[name];
      if (stand) return [name, stand];
      let mod: HandlerModule;
      try {
        mod = await load(name);
      } catch (error) {
        throw new HandlerLoadError(`cannot load functions/${name}/handler.ts: ${(error as Error).message}`);
      }
      if (typeof mod.wire !== 'function')
        throw new HandlerLoadError(`functions/${name}/handler.ts does not export wire(env)`);
      // wire() parses the configuration; a ConfigError here names the bad variable.
      return [name, mod.wire(env)];
    }),
  );
  return Object.fromEntries(entries) as HandlerMap;
}
