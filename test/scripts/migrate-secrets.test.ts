import {
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { SecretsManagerSecretStore } from '../../functions/adapters/secret-store';
import { main } from '../../scripts/migrate-secrets';
import { MemoryChannelStore } from '../support/fakes';
import { channelAt } from '../support/channels';

const sm = mockClient(SecretsManagerClient);
const combined = { accessToken: 'at-LEGACY-1', clientSecret: 'cs-LEGACY-1', webhookToken: 'wt-LEGACY-1' };

/** An in-memory Secrets Manager behind the mocked client. */
function secretsManager(initial: Record<string, object>) {
  const byName = new Map(Object.entries(initial).map(([k, v]) => [k, JSON.stringify(v)]));
  const notFound = () => new ResourceNotFoundException({ message: 'not found', $metadata: {} });
  sm.on(GetSecretValueCommand).callsFake(({ SecretId }: { SecretId: string }) => {
    const value = byName.get(SecretId);
    if (value === undefined) throw notFound();
    return { SecretString: value };
  });
  sm.on(PutSecretValueCommand).callsFake(
    ({ SecretId, SecretString }: { SecretId: string; SecretString: string }) => {
      byName.set(SecretId, SecretString);
      return {};
    },
  );
  sm.on(DeleteSecretCommand).callsFake(({ SecretId }: { SecretId: string }) => {
    if (!byName.delete(SecretId)) throw notFound();
    return {};
  });
  return byName;
}

async function run(argv: string[]) {
  const channels = new MemoryChannelStore();
  for (const id of ['a', 'b', 'c']) channels.items.set(id, channelAt(new Date(0), { channelId: id }));
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    argv,
    {},
    { stdout: (l) => out.push(l), stderr: { write: (c: string) => err.push(c) } },
    { channels, secrets: new SecretsManagerSecretStore(new SecretsManagerClient({}), 'p/') },
  );
  return { code, out: out.join('\n'), err: err.join('') };
}

beforeEach(() => sm.reset());

test('splits every combined secret, once; a second run finds nothing left', async () => {
  const names = secretsManager({
    'p/a': combined,
    'p/webhook-auth/b': { webhookToken: 'wt-b' },
    'p/api-credentials/b': { accessToken: 'at-b' },
  });
  const dry = await run(['--dry-run']);
  expect(JSON.parse(dry.out)).toEqual({
    channels: 3,
    migrated: 0,
    alreadySplit: 1,
    withoutSecrets: 1,
    remaining: 1,
  });
  expect(names.has('p/a')).toBe(true);

  const first = await run([]);
  expect(first.code).toBe(0);
  expect(JSON.parse(first.out)).toEqual({
    channels: 3,
    migrated: 1,
    alreadySplit: 1,
    withoutSecrets: 1,
    remaining: 0,
  });
  expect([...names.keys()].sort()).toEqual([
    'p/api-credentials/a',
    'p/api-credentials/b',
    'p/webhook-auth/a',
    'p/webhook-auth/b',
  ]);
  expect(JSON.parse(names.get('p/webhook-auth/a')!)).toEqual({
    clientSecret: 'cs-LEGACY-1',
    webhookToken: 'wt-LEGACY-1',
  });
  expect(JSON.parse(names.get('p/api-credentials/a')!)).toEqual({ accessToken: 'at-LEGACY-1' });

  const again = await run([]);
  expect(JSON.parse(again.out)).toMatchObject({ migrated: 0, alreadySplit: 2 });
  for (const text of [dry.out, first.out, again.out, first.err])
    for (const secret of Object.values(combined)) expect(text).not.toContain(secret);
});

test('an unknown argument is a usage error', async () => {
  secretsManager({});
  const res = await run(['--force']);
  expect(res.code).toBe(2);
  expect(res.err).toMatch(/unknown argument --force/);
});
