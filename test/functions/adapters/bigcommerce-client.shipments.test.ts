/**
 * listShipments: BigCommerce's published shipment shapes (test/fixtures/bigcommerce) mapped to the
 * shape stored on the OM order (contract.md section 11); 204 → none; pages followed. Then the same against
 * the sandbox.
 */
import { HttpBigCommerceClient } from '../../../functions/adapters/bigcommerce-client';
import { type Sandbox, startSandbox } from '../../../local/sandbox/server';
import { shipmentExamples, shipmentSchemaErrors } from '../../support/bigcommerce-shipments';

const creds = { storeHash: 'abc123', accessToken: 'tok' };

/** A fetch that answers each request with the next scripted answer and records the URLs. */
const scripted = (answers: { status: number; body?: unknown }[]) => {
  const urls: URL[] = [];
  const fetch = (async (input: string | URL) => {
    urls.push(new URL(String(input)));
    const next = answers.shift() ?? { status: 500 };
    return new Response(next.body === undefined ? null : JSON.stringify(next.body), {
      status: next.status,
    });
  }) as typeof globalThis.fetch;
  return { client: new HttpBigCommerceClient({ baseUrl: 'https://bc.test', fetch }), urls };
};

describe('listShipments (published shapes)', () => {
  it('maps the documented example to the stored shape, dropping empty fields', async () => {
    expect(shipmentSchemaErrors('collection', shipmentExamples.collection)).toEqual([]);
    const { client, urls } = scripted([{ status: 200, body: shipmentExamples.collection }]);
    await expect(client.listShipments(creds, 225)).resolves.toEqual([
      {
        shipmentId: 6,
        trackingNumber: 'EJ958083578US',
        shippingProvider: 'usps',
        shippingMethod: 'None',
        trackingLink:
          'https://trkcnfrm1.smi.usps.com/PTSInternetWeb/InterLabelInquiry.do?strOrigTrackNum=EJ958083578US',
        shippedAt: '2019-03-11T17:22:08.000Z',
        items: [{ orderProductId: 188, quantity: 1 }],
      },
      expect.objectContaining({ shipmentId: 7, trackingNumber: 'EJ958083578UK' }),
    ]);
    expect(urls).toHaveLength(1);
    expect(urls[0]!.pathname).toBe('/stores/abc123/v2/orders/225/shipments');
    expect(Object.fromEntries(urls[0]!.searchParams)).toEqual({ page: '1', limit: '250' });
  });

  it('prefers a custom tracking_link over the generated one', async () => {
    const custom = { ...shipmentExamples.item, tracking_link: 'https://track.example/1' };
    const { client } = scripted([{ status: 200, body: [custom] }]);
    const [shipment] = await client.listShipments(creds, 228);
    expect(shipment).toMatchObject({
      trackingLink: 'https://track.example/1',
      items: [
        { orderProductId: 194, quantity: 1 },
        { orderProductId: 195, quantity: 1 },
      ],
    });
  });

  it('204 (no shipment) is an empty list after one request', async () => {
    const { client, urls } = scripted([{ status: 204 }]);
    await expect(client.listShipments(creds, 1)).resolves.toEqual([]);
    expect(urls).toHaveLength(1);
  });

  it('follows pages while a page is full', async () => {
    const row = (id: number) => ({ ...shipmentExamples.item, id });
    const full = Array.from({ length: 250 }, (_, i) => row(i + 1));
    const { client, urls } = scripted([
      { status: 200, body: full },
      { status: 200, body: [row(251)] },
    ]);
    const shipments = await client.listShipments(creds, 9);
    expect(shipments.map((s) => s.shipmentId)).toEqual(Array.from({ length: 251 }, (_, i) => i + 1));
    expect(urls.map((u) => u.searchParams.get('page'))).toEqual(['1', '2']);
  });

  it('a body that is not a shipment list is a clear, non-retryable error', async () => {
    const { client } = scripted([{ status: 200, body: [{ id: 'x' }] }]);
    await expect(client.listShipments(creds, 1)).rejects.toMatchObject({
      retryable: false,
      message: expect.stringContaining('0.id'),
    });
  });
});

describe('listShipments and is_deleted against the sandbox', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ port: 0, timeScale: 0.001, rateLimit: false });
    sb.createStore({ ...creds, clientSecret: 'cs' });
  });
  afterAll(() => sb.stop());

  it('reads what was shipped, and none before', async () => {
    const client = new HttpBigCommerceClient({ baseUrl: sb.url });
    sb.setOrderStatus(creds.storeHash, 40, 11, [2]);
    await expect(client.listShipments(creds, 40)).resolves.toEqual([]);
    const products = sb.api(creds.storeHash, 'GET', '/v2/orders/40/products').body as { id: number }[];
    const created = sb.api(creds.storeHash, 'POST', '/v2/orders/40/shipments', {
      order_address_id: 1,
      tracking_number: '1Z999AA10123456784',
      tracking_carrier: 'ups',
      items: [{ order_product_id: products[0]!.id, quantity: 1 }],
    });
    expect(created.status).toBe(201);
    const [shipment] = await client.listShipments(creds, 40);
    expect(shipment).toMatchObject({
      shipmentId: (created.body as { id: number }).id,
      trackingNumber: '1Z999AA10123456784',
      trackingCarrier: 'ups',
      trackingLink: expect.stringContaining('1Z999AA10123456784'),
      items: [{ orderProductId: products[0]!.id, quantity: 1 }],
    });
    await expect(client.getOrder(creds, 40)).resolves.toMatchObject({ statusId: 3 });
    await expect(client.getOrder(creds, 40)).resolves.not.toHaveProperty('isDeleted');
    sb.archiveOrder(creds.storeHash, 40);
    await expect(client.getOrder(creds, 40)).resolves.toMatchObject({ isDeleted: true });
  });
});
