/** How the local stack's parts report, stop, and fail to listen. */

/** Where the local stack reports what it does; tests pass a silent one. */
export interface LocalLog {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

export const consoleLog: LocalLog = {
  info: (message) => console.log(`[local] ${message}`),
  error: (message, error) =>
    console.error(
      `[local] ${message}${error === undefined ? '' : `: ${error instanceof Error ? (error.stack ?? error.message) : JSON.stringify(error)}`}`,
    ),
};

type Stop = () => Promise<void>;

/** Parts to stop, in the reverse order of starting; a failing stop is logged and the rest still stop. */
export function stopList(log: LocalLog) {
  const parts: Array<{ name: string; stop: Stop }> = [];
  return {
    add(name: string, stop: Stop): void {
      parts.push({ name, stop });
    },
    async stopAll(): Promise<void> {
      for (const { name, stop } of parts.splice(0).reverse()) {
        try {
          await stop();
        } catch (error) {
          log.error(`stopping ${name} failed`, error);
        }
      }
    },
  };
}

/** Node's "address in use" error, rewritten as one line that names the setting to change. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

export const describeListenError = (what: string, variable: string, port: number, error: unknown) =>
  (error as NodeJS.ErrnoException)?.code === 'EADDRINUSE'
    ? new PortInUseError(`${what} port ${port} is already in use (set ${variable} to another port)`)
    : error;
