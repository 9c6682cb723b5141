import { costInputs } from '../../bench/cost-figure';
import {
  billedGbSeconds,
  costPerMillionWebhooks,
  describeBreakdown,
  PRICES,
  readUnits,
  writeUnits,
  type CostInputs,
} from '../../bench/cost';

const none: CostInputs = {
  apiGatewayRequests: 0,
  lambda: [],
  sqsRequests: 0,
  dynamoReadUnits: 0,
  dynamoWriteUnits: 0,
  secretsManagerCalls: 0,
  logBytes: 0,
  xrayTraces: 0,
};

describe('cost model arithmetic', () => {
  it('prices each service per million webhooks from the dated table', () => {
    expect(PRICES.recorded).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const cost = (inputs: Partial<CostInputs>) => costPerMillionWebhooks({ ...none, ...inputs });
    expect(cost({ apiGatewayRequests: 1 }).byService['API Gateway']).toBeCloseTo(1.0, 10);
    expect(cost({ sqsRequests: 1.2 }).byService.SQS).toBeCloseTo(0.48, 10);
    expect(cost({ dynamoReadUnits: 1, dynamoWriteUnits: 2 }).byService.DynamoDB).toBeCloseTo(
      0.125 + 1.25,
      10,
    );
    expect(cost({ secretsManagerCalls: 0.01 }).byService['Secrets Manager']).toBeCloseTo(0.05, 10);
    // 1 GiB of logs per million webhooks.
    expect(cost({ logBytes: 1024 ** 3 / 1e6 }).byService['CloudWatch Logs']).toBeCloseTo(0.5, 10);
    expect(cost({ xrayTraces: 0.05 }).byService['X-Ray']).toBeCloseTo(0.25, 10);
  });

  it('bills Lambda per request and per GB-second of duration rounded up to the ms', () => {
    expect(billedGbSeconds(512, 2.1)).toBeCloseTo(0.5 * 0.003, 12);
    expect(billedGbSeconds(1024, 1)).toBeCloseTo(0.001, 12);
    const b = costPerMillionWebhooks({
      ...none,
      lambda: [
        { function: 'a', memoryMb: 512, invocationsPerWebhook: 1, durationMs: 2.1 },
        { function: 'b', memoryMb: 1024, invocationsPerWebhook: 0.1, durationMs: 150 },
      ],
    });
    const a = 1e6 * 0.2e-6 + 1e6 * 0.0015 * 0.0000133334;
    const w = 1e5 * 0.2e-6 + 1e5 * 0.15 * 0.0000133334;
    expect(b.byFunction.a).toBeCloseTo(a, 10);
    expect(b.byFunction.b).toBeCloseTo(w, 10);
    expect(b.byService.Lambda).toBeCloseTo(a + w, 10);
    expect(b.totalUsd).toBeCloseTo(a + w, 10);
  });

  it('adds the services up to the total and describes the largest first', () => {
    const b = costPerMillionWebhooks({ ...none, apiGatewayRequests: 1, sqsRequests: 1 });
    expect(b.totalUsd).toBeCloseTo(1.4, 10);
    expect(describeBreakdown(b)).toBe('API Gateway $1.00 (71 %), SQS $0.40 (29 %)');
  });

  it('rejects inputs that are not measurements', () => {
    expect(() => costPerMillionWebhooks({ ...none, sqsRequests: Number.NaN })).toThrow(/sqsRequests/);
    expect(() =>
      costPerMillionWebhooks({
        ...none,
        lambda: [{ function: 'x', memoryMb: 0, invocationsPerWebhook: 1, durationMs: 1 }],
      }),
    ).toThrow(/lambda use of x/);
  });

  it('counts DynamoDB units per 4 KB read (half when eventually consistent) and per 1 KB written', () => {
    expect(readUnits(100, true)).toBe(1);
    expect(readUnits(100, false)).toBe(0.5);
    expect(readUnits(4097, true)).toBe(2);
    expect(writeUnits(1024)).toBe(1);
    expect(writeUnits(1025)).toBe(2);
  });
});

describe('cost inputs from what the bench measured', () => {
  const facts = {
    ingest: { durationMs: 2.4, logBytesPerRequest: 3 },
    worker: {
      durationMsPerInvocation: 20,
      eventsPerInvocation: 10,
      logBytesPerEvent: 200,
      dynamoReadUnitsPerEvent: 1,
      dynamoWriteUnitsPerEvent: 2,
      bigCommerceRequestsPerEvent: 1,
      queueSendsPerEvent: 0.5,
      secretsReadsPerEvent: 0.001,
    },
  };

  it('counts one API request and one send per webhook, batch shares of receive/delete, and deferrals', () => {
    const inputs = costInputs(facts, { ingestMemoryMb: 512, workerMemoryMb: 1024 });
    expect(inputs.apiGatewayRequests).toBe(1);
    // 1 send + 0.2 (receive + delete per batch of 10) + 0.5 deferrals × (1 send + 0.2)
    expect(inputs.sqsRequests).toBeCloseTo(1.2 + 0.6, 10);
    expect(inputs.lambda[0]).toEqual({
      function: 'webhook-ingest',
      memoryMb: 512,
      invocationsPerWebhook: 1,
      durationMs: 2.4,
    });
    // A batch of 10 per invocation, deferred events come round once more; BigCommerce's 150 ms added.
    expect(inputs.lambda[1]).toMatchObject({ function: 'order-worker', memoryMb: 1024, durationMs: 170 });
    expect(inputs.lambda[1]!.invocationsPerWebhook).toBeCloseTo(0.15, 10);
    expect(inputs.logBytes).toBe(203);
    expect(inputs.dynamoWriteUnits).toBe(2);
    expect(inputs.secretsManagerCalls).toBe(0.001);
  });
});
