import { HOUSE_BUNDLING } from '../../lib/house-function';
import { bareHandlerSource, baselineClients, bundleOptions } from '../../bench/bundles';

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

  it('constructs the clients whose packages the bundle carries, and names an unknown one', () => {
    expect(baselineClients(['@aws-sdk/client-dynamodb', '@aws-sdk/client-sqs'])).toEqual(['dynamodb', 'sqs']);
    expect(() => baselineClients(['@aws-sdk/client-s3'])).toThrow(/@aws-sdk\/client-s3.*SDK_CLIENTS/);
  });
});
