import { registerHooks } from 'node:module';

/**
 * Lets CommonJS code `require` ESM-only packages (middy 7 ships only an "import" export condition).
 * `tsx` runs this repository's .ts files as CommonJS (package.json has no "type"), so a handler's
 * `import middy from '@middy/core'` becomes a require that cannot resolve. When resolution fails for that
 * reason, try again with the "import" condition; Node 24 can then require the ES module itself.
 * Jest does the same with a moduleNameMapper. Call it before importing the handlers.
 */
let registered = false;

export function allowRequireOfEsmOnlyPackages(): void {
  if (registered) return;
  registered = true;
  try {
    registerHooks({
      resolve(specifier, context, nextResolve) {
        try {
          return nextResolve(specifier, context);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED' || context.conditions.includes('import')) throw error;
          return nextResolve(specifier, { ...context, conditions: ['import', ...context.conditions] });
        }
      },
    });
  } catch {
    // Jest refuses loader hooks; it maps the ESM-only packages itself (jest.config.js moduleNameMapper).
  }
}
