import { ConfigError } from '../../functions/common/config';
import { parseStartOptions } from '../../local/options';

describe('parseStartOptions', () => {
  test('defaults: port 3000, sandbox 3100, data under .local, persistent', () => {
    expect(parseStartOptions([], {})).toEqual({
      port: 3000,
      sandboxPort: 3100,
      memory: false,
      dataDir: '.local',
      env: {},
      help: false,
    });
  });

  test('flags and the docs/contract.md section 7 variables', () => {
    const options = parseStartOptions(['--memory', '--data-dir', '/tmp/x'], {
      PORT: '4000',
      SANDBOX_PORT: '4100',
      DEFER_DELAYS_SECONDS: '5,10',
      HOOK_VERIFY_INTERVAL_SECONDS: '60',
      HOOK_CATCH_UP_DELAY_SECONDS: '30',
      SANDBOX_TIME_SCALE: '0.01',
      WEBHOOK_BASE_URL: 'https://example.ngrok.app',
      UNRELATED: 'ignored',
      SQS_ENDPOINT: '',
    });
    expect(options).toMatchObject({ port: 4000, sandboxPort: 4100, memory: true, dataDir: '/tmp/x' });
    expect(options.env).toEqual({
      DEFER_DELAYS_SECONDS: '5,10',
      HOOK_VERIFY_INTERVAL_SECONDS: '60',
      HOOK_CATCH_UP_DELAY_SECONDS: '30',
      SANDBOX_TIME_SCALE: '0.01',
      WEBHOOK_BASE_URL: 'https://example.ngrok.app',
    });
    expect(parseStartOptions(['--data-dir=/d'], {}).dataDir).toBe('/d');
  });

  test.each([
    [{ PORT: 'abc' }, 'PORT must be a port number from 0 to 65535 (got "abc")'],
    [{ SANDBOX_PORT: '70000' }, 'SANDBOX_PORT must be a port number'],
    [{ DEFER_DELAYS_SECONDS: '60,x' }, 'DEFER_DELAYS_SECONDS must be a comma-separated list'],
    [{ DEFER_MAX_AGE_SECONDS: '-1' }, 'DEFER_MAX_AGE_SECONDS must be a whole number of seconds'],
    [{ HOOK_VERIFY_INTERVAL_SECONDS: '0' }, 'HOOK_VERIFY_INTERVAL_SECONDS must be greater than 0'],
    [
      { HOOK_CATCH_UP_DELAY_SECONDS: 'soon' },
      'HOOK_CATCH_UP_DELAY_SECONDS must be a whole number of seconds',
    ],
    [{ BIGCOMMERCE_API_URL: 'not a url' }, 'BIGCOMMERCE_API_URL must be an absolute URL'],
    [{ DYNAMODB_ENDPOINT: '//nohost' }, 'DYNAMODB_ENDPOINT must be an absolute URL'],
    [{ SANDBOX_TIME_SCALE: '0' }, 'SANDBOX_TIME_SCALE must be a number greater than 0'],
    [{ POWERTOOLS_LOG_LEVEL: 'LOUD' }, 'POWERTOOLS_LOG_LEVEL must be one of'],
    [{ PORT: '3100' }, 'PORT and SANDBOX_PORT must differ'],
  ])('%j → one ConfigError naming the variable', (env, message) => {
    let error: unknown;
    try {
      parseStartOptions([], env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain('\n');
  });

  test('the same port for both is fine when the sandbox is not started', () => {
    expect(parseStartOptions([], { PORT: '3100', BIGCOMMERCE_API_URL: 'http://bc.test' }).port).toBe(3100);
  });

  test('unknown flags and a --data-dir without a value are rejected', () => {
    expect(() => parseStartOptions(['--persist'], {})).toThrow('unknown option --persist');
    expect(() => parseStartOptions(['--data-dir'], {})).toThrow('--data-dir needs a directory');
  });
});
