import path from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { BrowserContext, Page } from 'playwright-core';
import type { LocalStack } from '../../local/stack';
import { startTestStack, stopTestStack } from '../support/local-stack';
import {
  channelItem,
  needsAttentionItem,
  orderItem,
  PLANTED_SECRET,
  toDynamoItem,
} from '../support/support-items';
import { launchChromium } from './chromium';

/**
 * The support console of the local runtime (`GET /support`), as a person uses it in a browser: the
 * overview, the form, an order's timeline, a channel's orders that need attention.
 */
const SCREENSHOT = path.resolve(__dirname, '..', '..', 'docs', 'support-console.png');

let stack: LocalStack;
let browser: { context: BrowserContext; close: () => Promise<void> };
let page: Page;

beforeAll(async () => {
  // Seeded items only: no scheduled hook-manager run rewrites their hook state during the test.
  stack = await startTestStack({ schedulerInitialDelayMs: 3_600_000 });
  const put = (table: string, item: Record<string, unknown>) =>
    stack.clients.dynamodb.send(new PutItemCommand({ TableName: table, Item: toDynamoItem(item) }));
  await put(stack.tables.channels, channelItem());
  await put(
    stack.tables.channels,
    channelItem({
      channelId: 'shop-2',
      storeHash: 'def456',
      hook: { hookId: 9, isActive: false, lastError: 'BigCommerce answered 401' },
    }),
  );
  await put(stack.tables.orders, orderItem());
  await put(
    stack.tables.orders,
    needsAttentionItem(300, 'uncancelled_in_bigcommerce', '2026-11-30T12:00:00.000Z'),
  );
  await put(stack.tables.orders, needsAttentionItem(301, 'disputed', '2026-11-30T13:00:00.000Z'));
  browser = await launchChromium();
  page = await browser.context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await stopTestStack(stack);
});

const text = (testId: string) => page.getByTestId(testId).innerText();

it('opens on the channels whose hooks are unhealthy', async () => {
  const response = await page.goto(`${stack.url}/support`);
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-type']).toMatch(/^text\/html/);
  const unhealthy = await text('unhealthy');
  expect(unhealthy).toContain('shop-2');
  expect(unhealthy).toContain('hook is inactive in BigCommerce');
  expect(unhealthy).toContain('BigCommerce answered 401');
  expect(unhealthy).not.toContain('shop-1');
});

it("shows an order's timeline, shipments, settings and hook health after typing the two ids", async () => {
  await page.goto(`${stack.url}/support`);
  await page.getByLabel('Channel id').fill('shop-1');
  await page.getByLabel('Order id').fill('123');
  await page.getByRole('button', { name: 'Look up' }).click();
  await page.waitForURL(/channelId=shop-1&orderId=123/);

  expect(await text('order-status')).toBe('Shipped');
  const rows = await page.getByTestId('history').locator('tr').allInnerTexts();
  expect(rows).toHaveLength(4); // header + three entries, oldest first
  expect(rows[1]).toMatch(/webhook\s+deferred\s+—\s+11 Awaiting Fulfillment/);
  expect(rows[2]).toMatch(
    /om_import\s+partially_shipped\s+—\s+3 Partially Shipped\s+Awaiting Shipment → Awaiting Shipment/,
  );
  expect(rows[3]).toMatch(/webhook\s+fulfilled\s+—\s+2 Shipped\s+Awaiting Shipment → Shipped/);

  const shipments = await text('shipments');
  expect(shipments).toContain('1Z999AA10123456784');
  expect(shipments).toContain('ups / Ground');
  expect(shipments).toContain('2 × product 501');
  await expect(page.getByRole('link', { name: '1Z999AA10123456784' }).getAttribute('href')).resolves.toBe(
    'https://www.ups.com/track?tracknum=1Z999AA10123456784',
  );

  expect(await text('valid-cancellation')).toBe('On Hold, Awaiting Shipment');
  expect(await text('valid-fulfillment')).toBe('Awaiting Shipment');
  expect(await text('hook-health')).toBe('healthy');
  // The form keeps what was typed.
  await expect(page.getByLabel('Order id').inputValue()).resolves.toBe('123');

  expect(await page.content()).not.toContain(PLANTED_SECRET);
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
});

it("lists a channel's orders that need attention, newest first, each a link to its timeline", async () => {
  await page.goto(`${stack.url}/support?channelId=shop-1`);
  const rows = await page.getByTestId('needs-attention').locator('tr').allInnerTexts();
  expect(rows.slice(1).map((r) => r.split(/\s+/)[0])).toEqual(['301', '300']);
  expect(rows[1]).toContain('disputed');
  expect(rows[2]).toContain('uncancelled_in_bigcommerce');

  await page.getByRole('link', { name: '301' }).click();
  await page.waitForURL(/orderId=301/);
  expect(await text('order-status')).toBe('Cancelled');
  expect(await text('history')).toMatch(/needs_attention\s+disputed\s+13 Disputed/);
});

it('names the bad field and shows no data for a bad id', async () => {
  await page.goto(`${stack.url}/support?channelId=shop-1&orderId=12x`);
  expect(await text('errors')).toContain('orderId must be a positive integer');
  expect(await page.getByTestId('order').count()).toBe(0);
});

it('says so for a channel that is not known', async () => {
  await page.goto(`${stack.url}/support?channelId=nobody`);
  expect(await text('not-found')).toContain('Channel nobody is not known');
});
