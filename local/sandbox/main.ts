/**
 * `npm run sandbox`: the BigCommerce sandbox on its own. SANDBOX_PORT (default 3100), SANDBOX_TIME_SCALE
 * (default 1), SANDBOX_LATENCY_MS (default 0: added to every BigCommerce API answer, e.g. 150 to measure
 * as from AWS). Bad settings or a busy port print one line and exit 1; SIGINT/SIGTERM stop it cleanly.
 */
import { z } from 'zod';
import { startSandbox } from './server';

const envSchema = z.object({
  SANDBOX_PORT: z
    .string()
    .regex(/^\d+$/, 'SANDBOX_PORT must be a port number (0-65535)')
    .transform(Number)
    .refine((n) => n <= 65535, 'SANDBOX_PORT must be a port number (0-65535)')
    .default(3100),
  SANDBOX_TIME_SCALE: z
    .string()
    .regex(/^(\d+\.?\d*|\.\d+)(e-?\d+)?$/i, 'SANDBOX_TIME_SCALE must be a positive number, e.g. 0.001')
    .transform(Number)
    .refine((n) => n > 0 && Number.isFinite(n), 'SANDBOX_TIME_SCALE must be a positive number, e.g. 0.001')
    .default(1),
  SANDBOX_LATENCY_MS: z
    .string()
    .regex(/^\d+$/, 'SANDBOX_LATENCY_MS must be a whole number of milliseconds')
    .transform(Number)
    .default(0),
});

export interface SandboxSettings {
  port: number;
  timeScale: number;
  latencyMs: number;
}

/** Throws an Error whose message names the bad variable. */
export const parseSandboxEnv = (env: Record<string, string | undefined>): SandboxSettings => {
  const parsed = envSchema.safeParse({
    SANDBOX_PORT: env.SANDBOX_PORT || undefined,
    SANDBOX_TIME_SCALE: env.SANDBOX_TIME_SCALE || undefined,
    SANDBOX_LATENCY_MS: env.SANDBOX_LATENCY_MS || undefined,
  });
  if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'invalid sandbox settings');
  return {
    port: parsed.data.SANDBOX_PORT,
    timeScale: parsed.data.SANDBOX_TIME_SCALE,
    latencyMs: parsed.data.SANDBOX_LATENCY_MS,
  };
};

const main = async (): Promise<void> => {
  let settings: SandboxSettings;
  try {
    settings = parseSandboxEnv(process.env);
  } catch (error) {
    console.error(`sandbox: ${(error as Error).message}`);
    process.exit(1);
  }
  const sandbox = await startSandbox({
    port: settings.port,
    timeScale: settings.timeScale,
    latencyMs: settings.latencyMs,
    log: (line) => console.log(line),
  }).catch((error: NodeJS.ErrnoException) => {
    console.error(
      error.code === 'EADDRINUSE'
        ? `sandbox: port ${settings.port} is already in use (set SANDBOX_PORT to another port)`
        : `sandbox: could not start: ${error.message}`,
    );
    process.exit(1);
  });
  console.log(
    `BigCommerce sandbox on ${sandbox.url} (API under /stores/{store_hash}/, control routes under /_sandbox/, ` +
      `retry time scale ${settings.timeScale}). Ctrl+C to stop.`,
  );
  const stop = (signal: string) => {
    console.log(`sandbox: ${signal}, stopping`);
    void sandbox.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
};

if (require.main === module) void main();
