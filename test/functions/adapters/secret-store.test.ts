import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import {
  createSecretStore,
  DynamoSecretStore,
  MalformedSecretError,
  SecretsManagerSecretStore,
} from '../../../functions/adapters/secret-store';
import type { ChannelSecrets } from '../../../functions/domain/channel';
import { ConfigError } from '../../../functions/common/config';
import { createLocalAws, type LocalAws } from '../../support/local-aws';

const secrets: ChannelSecrets = { accessToken: 'at-1', clientSecret: 'cs-1', webhookToken: 'wt-1' };
const meta = { $metadata: {} };

describe('DynamoSecretStore (dynalite)', () => {
  let aws: LocalAws;
  let store: DynamoSecretStore;
  beforeAll(async () => {
    aws = await createLocalAws();
    store = new DynamoSecretStore(aws.dynamo, aws.tables.secrets);
  });

  test('put, get, overwrite and delete', async () => {
    expect(await store.get('ch1')).toBeUndefined();
    await store.put('ch1', secrets);
    expect(await store.get('ch1')).toEqual(secrets);
    await store.put('ch1', { accessToken: 'at-2', webhookToken: 'wt-2' });
    expect(await store.get('ch1')).toEqual({ accessToken: 'at-2', webhookToken: 'wt-2' });
    await store.delete('ch1');
    expect(await store.get('ch1')).toBeUndefined();
    await expect(store.delete('ch1')).resolves.toBeUndefined();
  });

  test('an empty client secret is stored as none', async () => {
    await store.put('ch2', { ...secrets, clientSecret: '' });
    expect(await store.get('ch2')).toEqual({ accessToken: 'at-1', webhookToken: 'wt-1' });
  });

  test('refuses to store secrets without a token, naming the field but not the values', async () => {
    const put = store.put('ch3', { accessToken: 'at-secret-value', webhookToken: '' });
    await expect(put).rejects.toBeInstanceOf(MalformedSecretError);
    await expect(put).rejects.toThrow(/webhookToken/);
    await expect(put).rejects.not.toThrow(/at-secret-value/);
  });
});

describe('SecretsManagerSecretStore (mocked client)', () => {
  const sm = mockClient(SecretsManagerClient);
  const store = new SecretsManagerSecretStore(new SecretsManagerClient({}), 'om/bc/');
  beforeEach(() => sm.reset());

  test('get reads and parses the JSON secret named prefix + channelId', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'om/bc/ch1' }).resolves({
      SecretString: JSON.stringify(secrets),
    });
    expect(await store.get('ch1')).toEqual(secrets);
  });

  test('get answers undefined for a missing secret and rethrows other failures', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'om/bc/none' }).rejects(
      new ResourceNotFoundException({ message: 'not found', ...meta }),
    );
    expect(await store.get('none')).toBeUndefined();
    sm.on(GetSecretValueCommand, { SecretId: 'om/bc/boom' }).rejects(new Error('throttled'));
    await expect(store.get('boom')).rejects.toThrow('throttled');
  });

  test('a malformed secret is an error that never quotes the secret', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'om/bc/bad' }).resolves({
      SecretString: '{"accessToken":"leak-me"',
    });
    await expect(store.get('bad')).rejects.toBeInstanceOf(MalformedSecretError);
    await expect(store.get('bad')).rejects.not.toThrow(/leak-me/);
    sm.on(GetSecretValueCommand, { SecretId: 'om/bc/shape' }).resolves({
      SecretString: JSON.stringify({ accessToken: 'leak-me' }),
    });
    await expect(store.get('shape')).rejects.toThrow(/webhookToken/);
    await expect(store.get('shape')).rejects.not.toThrow(/leak-me/);
  });

  test('put updates an existing secret with PutSecretValue', async () => {
    sm.on(PutSecretValueCommand).resolves({});
    await store.put('ch1', secrets);
    const calls = sm.commandCalls(PutSecretValueCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({ SecretId: 'om/bc/ch1', SecretString: JSON.stringify(secrets) });
    expect(sm.commandCalls(CreateSecretCommand)).toHaveLength(0);
  });

  test('put creates the secret when it does not exist yet', async () => {
    sm.on(PutSecretValueCommand).rejects(new ResourceNotFoundException({ message: 'nope', ...meta }));
    sm.on(CreateSecretCommand).resolves({});
    await store.put('ch2', secrets);
    expect(sm.commandCalls(CreateSecretCommand)[0]!.args[0].input).toEqual({
      Name: 'om/bc/ch2',
      SecretString: JSON.stringify(secrets),
    });
  });

  test('put settles a concurrent create with a second PutSecretValue', async () => {
    sm.on(PutSecretValueCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: 'nope', ...meta }))
      .resolves({});
    sm.on(CreateSecretCommand).rejects(new ResourceExistsException({ message: 'exists', ...meta }));
    await store.put('ch3', secrets);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(2);
  });

  test('put propagates other failures', async () => {
    sm.on(PutSecretValueCommand).rejects(new Error('access denied'));
    await expect(store.put('ch4', secrets)).rejects.toThrow('access denied');
  });

  test('delete forces deletion without recovery; a missing secret is fine', async () => {
    sm.on(DeleteSecretCommand).resolves({});
    await store.delete('ch1');
    expect(sm.commandCalls(DeleteSecretCommand)[0]!.args[0].input).toEqual({
      SecretId: 'om/bc/ch1',
      ForceDeleteWithoutRecovery: true,
    });
    sm.reset();
    sm.on(DeleteSecretCommand).rejects(new ResourceNotFoundException({ message: 'gone', ...meta }));
    await expect(store.delete('ch1')).resolves.toBeUndefined();
  });
});

describe('createSecretStore', () => {
  const dynamo = {} as never;
  test('SECRETS_TABLE wins', () => {
    expect(createSecretStore({ SECRETS_TABLE: 't', SECRET_NAME_PREFIX: 'p/' }, dynamo)).toBeInstanceOf(
      DynamoSecretStore,
    );
  });
  test('else Secrets Manager under the prefix', () => {
    expect(createSecretStore({ SECRET_NAME_PREFIX: 'p/' }, dynamo)).toBeInstanceOf(SecretsManagerSecretStore);
  });
  test('else a ConfigError naming both variables', () => {
    expect(() => createSecretStore({}, dynamo)).toThrow(ConfigError);
    expect(() => createSecretStore({}, dynamo)).toThrow(/SECRETS_TABLE.*SECRET_NAME_PREFIX/);
  });
});
