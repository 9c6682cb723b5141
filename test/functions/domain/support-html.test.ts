import {
  escapeHtml,
  renderSupportDocument,
  renderSupportFragment,
} from '../../../functions/domain/support-html';
import { toSupportChannel, toSupportOrder, type SupportPage } from '../../../functions/domain/support-view';
import { channelItem, needsAttentionItem, orderItem, PLANTED_SECRET } from '../../support/support-items';

/** The text a person reads: tags and styles removed, whitespace collapsed. */
const visibleText = (html: string) =>
  html
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

const channel = toSupportChannel(channelItem());

describe('escapeHtml', () => {
  it('escapes the five HTML metacharacters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('renderSupportFragment', () => {
  it('shows an order: status, each entry with outcome, reason and BigCommerce status, shipments, settings and hook health', () => {
    const order = toSupportOrder(
      orderItem({
        history: [
          ...(orderItem().history as object[]),
          {
            at: '2026-11-30T12:00:00.000Z',
            eventId: 'evt-3',
            source: 'webhook',
            bigcommerceStatusId: 13,
            outcome: 'needs_attention',
            reason: 'disputed',
            statusBefore: 'Shipped',
            statusAfter: 'Shipped',
            attempt: 1,
          },
        ],
      }),
    );
    const text = visibleText(renderSupportFragment({ kind: 'order', channel, order }));
    expect(text).toContain('Order 123: Shipped');
    expect(text).toContain(
      'om_import partially_shipped — 3 Partially Shipped Awaiting Shipment → Awaiting Shipment',
    );
    expect(text).toContain('webhook fulfilled — 2 Shipped Awaiting Shipment → Shipped');
    expect(text).toContain('needs_attention disputed 13 Disputed');
    expect(text).toContain('1Z999AA10123456784 ups ups / Ground 2 × product 501');
    expect(text).toContain('Valid Cancellation Statuses On Hold, Awaiting Shipment');
    expect(text).toContain('Hook health healthy');
  });

  it('links tracking only to web addresses', () => {
    const order = (link: string) =>
      toSupportOrder(orderItem({ shipments: [{ trackingNumber: 'T1', trackingLink: link, items: [] }] }));
    expect(renderSupportFragment({ kind: 'order', channel, order: order('https://t.example/1') })).toContain(
      'href="https://t.example/1"',
    );
    expect(
      renderSupportFragment({ kind: 'order', channel, order: order('javascript:alert(1)') }),
    ).not.toContain('href="javascript');
  });

  it('shows the channel view with recent orders that need attention and the delivery exception', () => {
    const withException = toSupportChannel(
      channelItem({
        hook: { hookId: 42, isActive: false },
        webhook: {
          lastDeliveryException: {
            at: '2026-11-30T11:00:00.000Z',
            errorCode: 90003,
            message: 'blocked',
            hookId: 42,
          },
        },
      }),
    );
    const page: SupportPage = {
      kind: 'channel',
      channel: withException,
      needsAttention: [toSupportOrder(needsAttentionItem(200, 'disputed', '2026-11-30T08:00:00.000Z'))],
    };
    const text = visibleText(renderSupportFragment(page, { linkBase: '/support' }));
    expect(text).toContain('unhealthy: hook is inactive in BigCommerce');
    expect(text).toContain('2026-11-30T11:00:00.000Z: error 90003 blocked (hook 42)');
    expect(text).toContain('200 Cancelled 2026-11-30T08:00:00.000Z disputed 13 Disputed');
    expect(renderSupportFragment(page, { linkBase: '/support' })).toContain(
      'href="/support?channelId=shop-1&amp;orderId=200"',
    );
  });

  it('shows the overview of unhealthy channels and says when it checked only the first ones', () => {
    const bad = toSupportChannel(channelItem({ channelId: 'shop-2', hook: { hookId: 9, isActive: false } }));
    const text = visibleText(
      renderSupportFragment({ kind: 'overview', unhealthy: [bad], channelsScanned: 1000, complete: false }),
    );
    expect(text).toContain('shop-2 abc123 hook is inactive in BigCommerce');
    expect(text).toContain('1000 channels checked (the first ones only');
    expect(
      visibleText(
        renderSupportFragment({ kind: 'overview', unhealthy: [], channelsScanned: 3, complete: true }),
      ),
    ).toContain("Every channel's hooks are healthy");
  });

  it.each<[string, SupportPage, string]>([
    ['unknown channel', { kind: 'channel_not_found', channelId: 'nope' }, 'Channel nope is not known'],
    [
      'unknown order',
      { kind: 'order_not_found', channel, orderId: 9 },
      'No events or OM import recorded for order 9',
    ],
    [
      'bad input',
      { kind: 'invalid', errors: [{ field: 'orderId', message: 'orderId must be a positive integer' }] },
      'orderId: orderId must be a positive integer',
    ],
  ])('%s', (_name, page, expected) => {
    expect(visibleText(renderSupportFragment(page))).toContain(expected);
  });

  it('escapes stored text and never shows a planted secret', () => {
    const hostile = toSupportChannel(
      channelItem({
        channelId: '<img src=x onerror=alert(1)>',
        hook: { hookId: 1, isActive: true, lastError: '<script>x</script>' },
      }),
    );
    const out = renderSupportFragment({
      kind: 'order',
      channel: hostile,
      order: toSupportOrder(orderItem()),
    });
    expect(out).not.toContain('<script>');
    expect(out).not.toContain('<img');
    expect(out).toContain('&lt;script&gt;');
    expect(out).not.toContain(PLANTED_SECRET);
  });
});

describe('renderSupportDocument', () => {
  it('is a whole page with the form holding the ids that were typed, escaped', () => {
    const out = renderSupportDocument(
      { kind: 'channel_not_found', channelId: 'x' },
      { channelId: '"><b>', orderId: '7' },
      { linkBase: '/support' },
    );
    expect(out.startsWith('<!doctype html>')).toBe(true);
    expect(out).toContain('<form method="get" action="/support"');
    expect(out).toContain('value="&quot;&gt;&lt;b&gt;"');
    expect(out).toContain('value="7"');
  });
});
