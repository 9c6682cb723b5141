import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HOUSE_BUNDLING } from '../../lib/house-function';
import { bareHandlerSource, bundleOptions, FUNCTION_CLIENTS } from '../../bench/bundles';
import { FUNCTIONS } from '../../bench/common';

describe('bundle settings', () => {
  it('bundle like CDK does from HOUSE_BUNDLING: node, minified, everything but builtins inside', () => {
    const options = bundleOptions(HOUSE_BUNDLING);
    expect(options).toMatchObject({
      bundle: true,
      platform: 'node',
      target: HOUSE_BUNDLING.target,
      format: 'cjs',
      minify: true,
      mainFields: [...HOUSE_BUNDLING.mainFields],
      sourcemap: HOUSE_BUNDLING.sourceMap,
      external: [],
    });
  });
});

describe('bare handler (the baseline)', () => {
  it('imports and constructs exactly the given clients at init and does nothing else', () => {
    const source = bareHandlerSource(['dynamodb', 'eventBridge']);
    expect(source).toContain("import { DynamoDBClient } from '@aws-sdk/client-dynamodb';");
    expect(source).toContain("import { EventBridgeClient } from '@aws-sdk/client-eventbridge';");
    expect(source).toContain('new DynamoDBClient({})');
    expect(source).toContain('new EventBridgeClient({})');
    expect(source).not.toContain('SQSClient');
    expect(source).toMatch(/export const handler = async \(\) =>/);
  });

  // The baseline must construct what each function's wire(env) constructs in AWS (SECRET_NAME_PREFIX set:
  // createSecretStore builds a Secrets Manager client). Read from the source so a new client shows up here.
  const FACTORIES = {
    dynamodb: /\bdynamoDbClient\(/,
    sqs: /\bsqsClient\(/,
    eventBridge: /\beventBridgeClient\(/,
    secretsManager: /\bcreateSecretStore\(|\bsecretsManagerClient\(/,
  } as const;

  it.each(FUNCTIONS)('%s: baseline clients match the clients its handler.ts constructs', (fn) => {
    const source = readFileSync(path.join(__dirname, '../../functions', fn, 'handler.ts'), 'utf8');
    const used = (Object.keys(FACTORIES) as (keyof typeof FACTORIES)[]).filter((k) =>
      FACTORIES[k].test(source),
    );
    expect([...FUNCTION_CLIENTS[fn]].sort()).toEqual(used.sort());
  });
});
