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
  DynamoSecretStore,
  MalformedSecretError,
  SecretsManagerSecretStore,
} from '../../../functions/adapters/secret-store';
import type { ChannelSecrets } from '../../../functions/domain/channel';
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
    expect(await store.getWebhookAuth('ch1')).toEqual({ clientSecret: 'cs-1', webhookToken: 'wt-1' });
    expect(await store.getApiCredentials('ch1')).toEqual({ accessToken: secrets.accessToken });
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
  const notFound = () => new ResourceNotFoundException({ message: 'not found', ...meta });
  const auth = { clientSecret: 'cs-1', webhookToken: 'wt-1' };
  const api = { accessToken: 'at-1' };
  /** Secrets by name; every other name is not found. */
  const stored = (byName: Record<string, unknown>) => {
    sm.on(GetSecretValueCommand).rejects(notFound());
    for (const [SecretId, value] of Object.entries(byName))
      sm.on(GetSecretValueCommand, { SecretId }).resolves({
        SecretString: typeof value === 'string' ? value : JSON.stringify(value),
      });
  };
  const askedFor = () => sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.SecretId);
  beforeEach(() => sm.reset());

  test('get joins the webhook-auth and api-credentials secrets', async () => {
    stored({ 'om/bc/webhook-auth/ch1': auth, 'om/bc/api-credentials/ch1': api });
    expect(await store.get('ch1')).toEqual(secrets);
    expect(askedFor().sort()).toEqual(['om/bc/api-credentials/ch1', 'om/bc/webhook-auth/ch1']);
  });

  test('getWebhookAuth reads the webhook-auth secret only, never the API credentials', async () => {
    stored({ 'om/bc/webhook-auth/ch1': auth, 'om/bc/api-credentials/ch1': api, 'om/bc/ch1': secrets });
    expect(await store.getWebhookAuth('ch1')).toEqual(auth);
    expect(askedFor()).toEqual(['om/bc/webhook-auth/ch1']);
  });

  test('getApiCredentials reads the api-credentials secret only, never the webhook authentication', async () => {
    stored({ 'om/bc/webhook-auth/ch1': auth, 'om/bc/api-credentials/ch1': api, 'om/bc/ch1': secrets });
    expect(await store.getApiCredentials('ch1')).toEqual(api);
    expect(askedFor()).toEqual(['om/bc/api-credentials/ch1']);
  });

  test('a channel not migrated yet: readers fall back to the combined secret', async () => {
    stored({ 'om/bc/ch1': secrets });
    expect(await store.get('ch1')).toEqual({ ...secrets, legacy: true });
    expect(await store.getWebhookAuth('ch1')).toEqual(auth);
    expect(await store.getApiCredentials('ch1')).toEqual(api);
  });

  test('with the fallback off, the one-part readers never ask for the combined secret', async () => {
    const strict = new SecretsManagerSecretStore(new SecretsManagerClient({}), 'om/bc/', {
      legacyFallback: false,
    });
    stored({ 'om/bc/ch1': secrets });
    expect(await strict.getWebhookAuth('ch1')).toBeUndefined();
    expect(await strict.getApiCredentials('ch1')).toBeUndefined();
    expect(askedFor()).toEqual(['om/bc/webhook-auth/ch1', 'om/bc/api-credentials/ch1']);
  });

  test('get answers undefined when nothing is stored and rethrows other failures', async () => {
    stored({});
    expect(await store.get('none')).toBeUndefined();
    expect(await store.getWebhookAuth('none')).toBeUndefined();
    sm.on(GetSecretValueCommand, { SecretId: 'om/bc/webhook-auth/boom' }).rejects(new Error('throttled'));
    await expect(store.getWebhookAuth('boom')).rejects.toThrow('throttled');
  });

  test('a malformed secret is an error that never quotes the secret', async () => {
    stored({
      'om/bc/webhook-auth/bad': '{"webhookToken":"leak-me"',
      'om/bc/ch2': { accessToken: 'leak-me' },
    });
    await expect(store.getWebhookAuth('bad')).rejects.toBeInstanceOf(MalformedSecretError);
    await expect(store.getWebhookAuth('bad')).rejects.not.toThrow(/leak-me/);
    await expect(store.get('ch2')).rejects.toThrow(/webhookToken/);
    await expect(store.get('ch2')).rejects.not.toThrow(/leak-me/);
  });

  test('put writes the pair, then removes the legacy combined secret (migration on save)', async () => {
    sm.on(PutSecretValueCommand).resolves({});
    sm.on(DeleteSecretCommand).rejects(notFound());
    await store.put('ch1', secrets);
    const puts = sm.commandCalls(PutSecretValueCommand).map((c) => c.args[0].input);
    expect(puts).toEqual(
      expect.arrayContaining([
        { SecretId: 'om/bc/webhook-auth/ch1', SecretString: JSON.stringify(auth) },
        { SecretId: 'om/bc/api-credentials/ch1', SecretString: JSON.stringify(api) },
      ]),
    );
    expect(puts).toHaveLength(2);
    expect(sm.commandCalls(DeleteSecretCommand)[0]!.args[0].input).toEqual({
      SecretId: 'om/bc/ch1',
      ForceDeleteWithoutRecovery: true,
    });
    expect(sm.commandCalls(CreateSecretCommand)).toHaveLength(0);
  });

  test('put creates a part that does not exist yet, and settles a concurrent create', async () => {
    sm.on(PutSecretValueCommand).rejectsOnce(notFound()).rejectsOnce(notFound()).resolves({});
    sm.on(CreateSecretCommand, { Name: 'om/bc/webhook-auth/ch2' }).resolves({});
    sm.on(CreateSecretCommand, { Name: 'om/bc/api-credentials/ch2' }).rejects(
      new ResourceExistsException({ message: 'exists', ...meta }),
    );
    sm.on(DeleteSecretCommand).resolves({});
    await store.put('ch2', secrets);
    expect(sm.commandCalls(CreateSecretCommand)).toHaveLength(2);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(3);
  });

  test('put propagates other failures', async () => {
    sm.on(PutSecretValueCommand).rejects(new Error('access denied'));
    await expect(store.put('ch4', secrets)).rejects.toThrow('access denied');
  });

  test('migrate splits a legacy secret once, and is idempotent', async () => {
    stored({ 'om/bc/ch1': secrets });
    sm.on(PutSecretValueCommand).resolves({});
    sm.on(DeleteSecretCommand).resolves({});
    expect(await store.migrate('ch1')).toBe('migrated');
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(2);
    sm.reset();
    stored({ 'om/bc/webhook-auth/ch1': auth, 'om/bc/api-credentials/ch1': api });
    expect(await store.migrate('ch1')).toBe('already_split');
    stored({});
    expect(await store.migrate('ch9')).toBe('no_secrets');
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  test('delete removes all three names without recovery; missing ones are fine', async () => {
    sm.on(DeleteSecretCommand).rejects(notFound());
    await store.delete('ch1');
    expect(
      sm
        .commandCalls(DeleteSecretCommand)
        .map((c) => c.args[0].input)
        .sort((a, b) => (a.SecretId! < b.SecretId! ? -1 : 1)),
    ).toEqual([
      { SecretId: 'om/bc/api-credentials/ch1', ForceDeleteWithoutRecovery: true },
      { SecretId: 'om/bc/ch1', ForceDeleteWithoutRecovery: true },
      { SecretId: 'om/bc/webhook-auth/ch1', ForceDeleteWithoutRecovery: true },
    ]);
  });
});
