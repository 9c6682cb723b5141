import type { HttpResult } from '../../../functions/common/http';
import { makeHandler, WIDGET_DOCS } from '../../../functions/support-widget/handler';
import { MemorySupportReader } from '../../support/fakes';
import { capturingObservability } from '../../support/observability';
import { channelItem, needsAttentionItem, orderItem, PLANTED_SECRET } from '../../support/support-items';

const widgetContext = (params: Record<string, unknown>) => ({
  dashboardName: 'OmBigCommerce-dev',
  widgetId: 'widget-1',
  params,
});

function setup() {
  const reader = new MemorySupportReader(
    [
      channelItem(),
      channelItem({
        channelId: 'shop-2',
        hook: { hookId: 9, isActive: false, lastError: 'BigCommerce 401' },
      }),
    ],
    [
      orderItem(),
      needsAttentionItem(300, 'uncancelled_in_bigcommerce', '2026-11-30T12:00:00.000Z'),
      needsAttentionItem(301, 'disputed', '2026-11-30T13:00:00.000Z'),
    ],
  );
  const captured = capturingObservability('support-widget');
  const handler = makeHandler({ reader, ...captured.obs });
  /** The widget as a dashboard with these variables calls it. */
  const render = async (variables: Record<string, string>) =>
    (await handler({ ...variables, widgetContext: widgetContext({}) })) as string;
  return { reader, captured, handler, render };
}

afterEach(() => jest.restoreAllMocks());

describe('support-widget as a CloudWatch custom widget', () => {
  it('answers `describe` with the documentation', async () => {
    const { handler, reader } = setup();
    expect(await handler({ describe: true, widgetContext: widgetContext({}) })).toBe(WIDGET_DOCS);
    expect(reader.reads).toEqual([]);
  });

  it('renders the order timeline from the dashboard variables (params at the top level, as CloudWatch sends them)', async () => {
    const { handler, reader } = setup();
    const params = { channelId: 'shop-1', orderId: '123' };
    const html = (await handler({ ...params, widgetContext: widgetContext(params) })) as string;
    expect(html).toContain('data-testid="order-status">Shipped<');
    expect(html).toContain('partially_shipped');
    expect(html).toContain('1Z999AA10123456784');
    expect(html).not.toContain('<form');
    expect(html).not.toContain(PLANTED_SECRET);
    expect(reader.reads).toEqual(['channel', 'order']);
  });

  it('takes the ids from widgetContext.params too, and numbers as well as strings', async () => {
    const { handler } = setup();
    const html = (await handler({
      widgetContext: widgetContext({ channelId: 'shop-1', orderId: 123 }),
    })) as string;
    expect(html).toContain('Order 123');
  });

  it('with only a channel: its health and its recent needs_attention orders, newest first', async () => {
    const { render, reader } = setup();
    const html = await render({ channelId: 'shop-1', orderId: '*' });
    expect(html.indexOf('>301<')).toBeGreaterThan(0);
    expect(html.indexOf('>301<')).toBeLessThan(html.indexOf('>300<'));
    expect(html).not.toContain('>123<');
    expect(reader.reads).toEqual(['channel', 'recentOrders']);
  });

  it('with nothing (the variables left at *): the channels whose hooks are unhealthy', async () => {
    const { render } = setup();
    const html = await render({ channelId: '*', orderId: '*' });
    expect(html).toContain('shop-2');
    expect(html).toContain('BigCommerce 401');
    expect(html).not.toContain('>shop-1<');
  });

  it('names the bad field and reads nothing for bad input', async () => {
    const { render, reader } = setup();
    const html = await render({ channelId: 'shop-1', orderId: 'abc' });
    expect(html).toContain('orderId: orderId must be a positive integer');
    expect(reader.reads).toEqual([]);
  });

  it('shows a short message, counts and logs the failure when a table read fails', async () => {
    const { render, reader, captured } = setup();
    reader.failWith = new Error('AccessDeniedException');
    const html = await render({ channelId: 'shop-1' });
    expect(html).toContain('Could not read the tables');
    expect(html).not.toContain('AccessDeniedException');
    expect(captured.metrics).toContainEqual({ name: 'SupportWidgetErrors', value: 1 });
    expect(captured.lines.join('\n')).toContain('AccessDeniedException');
  });
});

describe('support-widget behind the local GET /support', () => {
  it('answers a whole HTML page with the form, no scripts allowed, for the query string ids', async () => {
    const { handler } = setup();
    const result = (await handler({
      routeKey: 'GET /support',
      queryStringParameters: { channelId: 'shop-1', orderId: '123' },
    })) as HttpResult;
    expect(result.statusCode).toBe(200);
    expect(result.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': expect.stringContaining("default-src 'none'"),
    });
    expect(result.body).toContain('<form method="get" action="/support"');
    expect(result.body).toContain('Order 123');
    expect(result.body).not.toContain(PLANTED_SECRET);
  });

  it('without a query string shows the overview with links to each channel', async () => {
    const { handler } = setup();
    const result = (await handler({ routeKey: 'GET /support' })) as HttpResult;
    expect(result.body).toContain('href="/support?channelId=shop-2"');
  });
});
