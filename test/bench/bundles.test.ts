import { HOUSE_BUNDLING } from '../../lib/house-function';
import { bareHandlerSource, bundleOptions, FUNCTION_CLIENTS, LAMBDA_ENV } from '../../bench/bundles';
import { FUNCTIONS } from '../../bench/common';

/** The SDK clients the functions' wiring builds, in order (names as in FUNCTION_CLIENTS). */
const mockBuilt: string[] = [];
jest.mock('../../functions/adapters/aws-clients', () => {
  const actual = jest.requireActual('../../functions/adapters/aws-clients');
  const recorded = (name: string, factory: (cfg: unknown) => unknown) => (cfg: unknown) => {
    mockBuilt.push(name);
    return factory(cfg);
  };
  return {
    ...actual,
    dynamoDbClient: recorded('dynamodb', actual.dynamoDbClient),
    sqsClient: recorded('sqs', actual.sqsClient),
    eventBridgeClient: recorded('eventBridge', actual.eventBridgeClient),
    secretsManagerClient: recorded('secretsManager', actual.secretsManagerClient),
  };
});

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

  // The baseline must construct what each function's wire(env) constructs in AWS (LAMBDA_ENV sets
  // SECRET_NAME_PREFIX: createSecretStore builds a Secrets Manager client). Recorded, so a new client
  // shows up here.
  it.each(FUNCTIONS)('%s: baseline clients match the clients its wire(env) constructs', async (fn) => {
    mockBuilt.length = 0;
    const { wire } = (await import(`../../functions/${fn}/handler`)) as {
      wire: (env: Record<string, string | undefined>) => unknown;
    };
    wire({ ...LAMBDA_ENV, POWERTOOLS_METRICS_DISABLED: 'true' });
    expect([...FUNCTION_CLIENTS[fn]].sort()).toEqual([...new Set(mockBuilt)].sort());
  });
});
