import { DynamoSecretStore, SecretsManagerSecretStore } from '../../../functions/adapters/secret-store';
import { ConfigError } from '../../../functions/common/config';
import {
  channelStore,
  createRuntime,
  dynamo,
  orderStore,
  secretStore,
} from '../../../functions/common/runtime';

describe('runtime', () => {
  test('builds each part once, on first use, sharing the SDK client', () => {
    const runtime = createRuntime({ CHANNELS_TABLE: 'c', ORDERS_TABLE: 'o' });
    expect(runtime.built.size).toBe(0);
    expect(channelStore(runtime)).toBe(channelStore(runtime));
    orderStore(runtime);
    expect([...runtime.built.keys()].sort()).toEqual(['channels', 'dynamo', 'orders']);
  });

  test('uses the clients it is given instead of building its own', () => {
    const client = {} as never;
    expect(dynamo(createRuntime({}, { dynamo: client }))).toBe(client);
  });
});

describe('secretStore', () => {
  test('SECRETS_TABLE wins', () => {
    expect(secretStore(createRuntime({ SECRETS_TABLE: 't', SECRET_NAME_PREFIX: 'p/' }))).toBeInstanceOf(
      DynamoSecretStore,
    );
  });
  test('else Secrets Manager under the prefix', () => {
    expect(secretStore(createRuntime({ SECRET_NAME_PREFIX: 'p/' }))).toBeInstanceOf(
      SecretsManagerSecretStore,
    );
  });
  test('else a ConfigError naming both variables', () => {
    expect(() => secretStore(createRuntime({}))).toThrow(ConfigError);
    expect(() => secretStore(createRuntime({}))).toThrow(/SECRETS_TABLE.*SECRET_NAME_PREFIX/);
  });
});
