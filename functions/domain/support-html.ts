import { BIGCOMMERCE_STATUS_LABELS } from './statuses';
import type {
  SupportChannel,
  SupportHistoryEntry,
  SupportOrder,
  SupportPage,
  SupportShipment,
} from './support-view';

/**
 * The support console as HTML: one fragment for the CloudWatch custom widget and, wrapped in a document
 * with a form for the two ids, the local `GET /support` page. Every value is escaped.
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** A tagged template that escapes every interpolation except already-rendered `Html`. */
class Html {
  constructor(readonly text: string) {}
  toString() {
    return this.text;
  }
}
function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => {
    const parts = Array.isArray(value) ? value : [value];
    out += parts.map((p) => (p instanceof Html ? p.text : escapeHtml(p))).join('');
    out += strings[i + 1]!;
  });
  return new Html(out);
}

const STYLE = `
.om-support { font-family: system-ui, sans-serif; font-size: 13px; }
.om-support table { border-collapse: collapse; margin: 4px 0 12px; }
.om-support th, .om-support td { border: 1px solid #ccc; padding: 3px 6px; text-align: left; vertical-align: top; }
.om-support .bad { color: #b00020; font-weight: 600; }
.om-support .ok { color: #1d7b1d; font-weight: 600; }
.om-support .muted { color: #666; }
`;

const bigCommerceStatus = (id: number | null | undefined) =>
  id === null || id === undefined ? '—' : `${id} ${BIGCOMMERCE_STATUS_LABELS[id] ?? '(unknown)'}`;
const list = (items: readonly (string | number)[]) => (items.length ? items.join(', ') : 'none');
const orDash = (value: unknown) => (value === undefined || value === null || value === '' ? '—' : value);

/** A table: one header row, then one row per item. */
function table<T>(
  testId: string,
  headers: readonly string[],
  items: readonly T[],
  row: (item: T) => Html,
): Html {
  return html`<table data-testid="${testId}">
    <tr>
      ${headers.map((h) => html`<th>${h}</th>`)}
    </tr>
    ${items.map(row)}
  </table>`;
}

function healthView(channel: SupportChannel): Html {
  const h = channel.health;
  if (h.state === 'healthy') return html`<span class="ok" data-testid="hook-health">healthy</span>`;
  if (h.state === 'not_wanted')
    return html`<span class="muted" data-testid="hook-health"
      >no hooks wanted (no status selected${channel.deletedAt ? ', channel deleted' : ''})</span
    >`;
  return html`<span class="bad" data-testid="hook-health">unhealthy: ${h.problems.join('; ')}</span>`;
}

function channelView(channel: SupportChannel): Html {
  const hook = channel.hook;
  const exception = channel.lastDeliveryException;
  return html`<section data-testid="channel">
    <h3>
      Channel
      ${channel.channelId}${channel.deletedAt ? html` <span class="bad">(deleted ${channel.deletedAt})</span>` : ''}
    </h3>
    <table>
      <tr>
        <th>Store hash</th>
        <td>${channel.storeHash}</td>
      </tr>
      <tr>
        <th>Valid Cancellation Statuses</th>
        <td data-testid="valid-cancellation">${list(channel.validCancellationStatuses)}</td>
      </tr>
      <tr>
        <th>Valid Fulfillment Statuses</th>
        <td data-testid="valid-fulfillment">${list(channel.validFulfillmentStatuses)}</td>
      </tr>
      <tr>
        <th>Cancel on BigCommerce status</th>
        <td>${list(channel.cancelOnBigCommerceStatusIds.map(bigCommerceStatus))}</td>
      </tr>
      <tr>
        <th>Fulfill on BigCommerce status</th>
        <td>${list(channel.fulfillOnBigCommerceStatusIds.map(bigCommerceStatus))}</td>
      </tr>
      <tr>
        <th>Hook health</th>
        <td>${healthView(channel)}</td>
      </tr>
      <tr>
        <th>Hook</th>
        <td>
          ${hook ? html`id ${orDash(hook.hookId)}, ${hook.isActive ? 'active' : 'inactive'}, last verified ${orDash(hook.lastVerifiedAt)}${hook.lastError ? html`, <span class="bad">last error: ${hook.lastError}</span>` : ''}` : 'none recorded'}
        </td>
      </tr>
      ${
        exception
          ? html`<tr>
              <th>Last delivery exception</th>
              <td class="bad" data-testid="delivery-exception">
                ${exception.at}: error ${orDash(exception.errorCode)} ${orDash(exception.message)} (hook
                ${orDash(exception.hookId)})
              </td>
            </tr>`
          : ''
      }
    </table>
  </section>`;
}

const HISTORY_COLUMNS = ['At', 'Source', 'Outcome', 'Reason', 'BigCommerce status', 'OM status', 'Attempt'];
function historyRow(entry: SupportHistoryEntry): Html {
  return html`<tr>
    <td>${entry.at}</td>
    <td>${orDash(entry.source)}</td>
    <td>${entry.outcome}</td>
    <td>${orDash(entry.reason)}</td>
    <td>${bigCommerceStatus(entry.bigcommerceStatusId)}</td>
    <td>${orDash(entry.statusBefore)} → ${orDash(entry.statusAfter)}</td>
    <td>${orDash(entry.attempt)}</td>
  </tr>`;
}

const SHIPMENT_COLUMNS = ['Shipment', 'Shipped', 'Tracking', 'Carrier', 'Provider / method', 'Items'];
function shipmentRow(s: SupportShipment): Html {
  // Only web links: a stored `javascript:` URL must not become clickable.
  const tracking =
    s.trackingLink && /^https?:\/\//i.test(s.trackingLink)
      ? html`<a href="${s.trackingLink}" rel="noreferrer noopener" target="_blank"
          >${orDash(s.trackingNumber)}</a
        >`
      : html`${orDash(s.trackingNumber)}`;
  const items = s.items.map((i) => `${i.quantity} × product ${i.orderProductId}`);
  return html`<tr>
    <td>${orDash(s.shipmentId)}</td>
    <td>${orDash(s.shippedAt)}</td>
    <td>${tracking}</td>
    <td>${orDash(s.trackingCarrier)}</td>
    <td>${[s.shippingProvider, s.shippingMethod].filter(Boolean).join(' / ') || '—'}</td>
    <td>${list(items)}</td>
  </tr>`;
}

function orderView(order: SupportOrder): Html {
  return html`<section data-testid="order">
    <h3>
      Order ${order.orderId}:
      <span data-testid="order-status">${order.status ?? 'not imported into OM yet'}</span>
    </h3>
    <p class="muted">Last change ${orDash(order.updatedAt)}</p>
    <h4>Timeline (oldest first)</h4>
    ${
      order.history.length
        ? table('history', HISTORY_COLUMNS, order.history, historyRow)
        : html`<p>No events recorded for this order.</p>`
    }
    <h4>Shipments</h4>
    ${
      order.shipments.length
        ? table('shipments', SHIPMENT_COLUMNS, order.shipments, shipmentRow)
        : html`<p>No shipments stored.</p>`
    }
  </section>`;
}

export interface RenderOptions {
  /** Where links to a channel or order point (local page); without it ids are plain text (widget). */
  readonly linkBase?: string;
}

function idLink(options: RenderOptions, text: string, channelId: string, orderId?: number): Html {
  if (!options.linkBase) return html`${text}`;
  const query = new URLSearchParams({
    channelId,
    ...(orderId !== undefined && { orderId: String(orderId) }),
  });
  return html`<a href="${options.linkBase}?${query.toString()}">${text}</a>`;
}

function needsAttentionView(
  channel: SupportChannel,
  orders: readonly SupportOrder[],
  options: RenderOptions,
): Html {
  if (orders.length === 0) return html`<p data-testid="needs-attention">No recent orders need attention.</p>`;
  const columns = ['Order', 'OM status', 'At', 'Reason', 'BigCommerce status'];
  return table('needs-attention', columns, orders, (o) => {
    const last = o.history[o.history.length - 1];
    return html`<tr>
      <td>${idLink(options, String(o.orderId), channel.channelId, o.orderId)}</td>
      <td>${o.status ?? '—'}</td>
      <td>${orDash(last?.at)}</td>
      <td>${orDash(last?.reason)}</td>
      <td>${bigCommerceStatus(last?.bigcommerceStatusId)}</td>
    </tr>`;
  });
}

/** The page body (no `<html>`): what the CloudWatch custom widget returns. */
export function renderSupportFragment(page: SupportPage, options: RenderOptions = {}): string {
  const body = ((): Html => {
    switch (page.kind) {
      case 'invalid':
        return html`<div class="bad" data-testid="errors">
          ${page.errors.map((e) => html`<p>${e.field ? `${e.field}: ` : ''}${e.message}</p>`)}
        </div>`;
      case 'channel_not_found':
        return html`<p class="bad" data-testid="not-found">Channel ${page.channelId} is not known.</p>`;
      case 'order_not_found':
        return html`<p class="bad" data-testid="not-found">
            No events or OM import recorded for order ${page.orderId} on this channel.
          </p>
          ${channelView(page.channel)}`;
      case 'order':
        return html`${orderView(page.order)}${channelView(page.channel)}`;
      case 'channel':
        return html`${channelView(page.channel)}
          <h4>Recent orders that need attention</h4>
          ${needsAttentionView(page.channel, page.needsAttention, options)}`;
      case 'overview':
        return html`<h3>Channels whose hooks need a look</h3>
          ${
            page.unhealthy.length
              ? table(
                  'unhealthy',
                  ['Channel', 'Store', 'Problems'],
                  page.unhealthy,
                  (c) =>
                    html`<tr>
                      <td>${idLink(options, c.channelId, c.channelId)}</td>
                      <td>${c.storeHash}</td>
                      <td class="bad">
                        ${c.health.state === 'unhealthy' ? c.health.problems.join('; ') : ''}
                      </td>
                    </tr>`,
                )
              : html`<p class="ok" data-testid="unhealthy">Every channel's hooks are healthy.</p>`
          }
          <p class="muted">
            ${page.channelsScanned} channels
            checked${page.complete ? '' : ' (the first ones only: type a channel id to see any other)'}. Type
            a channel id (and an order id) to look closer.
          </p>`;
    }
  })();
  return `<style>${STYLE}</style><div class="om-support">${body.text}</div>`;
}

/** The local page: the same fragment under a small form for the two ids. */
export function renderSupportDocument(
  page: SupportPage,
  query: { channelId?: string; orderId?: string },
  options: RenderOptions = {},
): string {
  const form = html`<form method="get" action="${options.linkBase ?? ''}" data-testid="lookup">
    <label>Channel id <input name="channelId" value="${query.channelId ?? ''}" autocomplete="off" /></label>
    <label
      >Order id <input name="orderId" value="${query.orderId ?? ''}" inputmode="numeric" autocomplete="off"
    /></label>
    <button type="submit">Look up</button>
  </form>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Support: OM ↔ BigCommerce</title></head>
<body><h2>OM ↔ BigCommerce support console</h2>${form.text}${renderSupportFragment(page, options)}</body></html>`;
}
