/**
 * BigCommerce's published shipment shapes, copied into test/fixtures/bigcommerce (see the `$comment` of
 * each file for its source): an ajv validator for `orderShipment` and the callback examples.
 */
import Ajv from 'ajv';
import schemaFile from '../fixtures/bigcommerce/shipment.schema.json';
import callbacksFile from '../fixtures/bigcommerce/shipment.callbacks.json';

const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addSchema({ ...schemaFile, $id: 'shipment' });

/** Validation errors of `data` against `collection` (array) or `item` ([] when valid). */
export const shipmentSchemaErrors = (kind: 'collection' | 'item', data: unknown): string[] => {
  const validate = ajv.getSchema(`shipment#/${kind}`);
  if (!validate) throw new Error(`no schema ${kind}`);
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
};

/** Every property `orderShipment` documents. */
export const documentedShipmentFields = new Set(Object.keys(schemaFile.definitions.orderShipment.properties));

export const shipmentExamples = schemaFile.documentedExamples;

export type ShipmentCallbackName =
  'store_shipment_created' | 'store_shipment_updated' | 'store_shipment_deleted' | 'store_order_archived';

export const shipmentCallbackExample = (name: ShipmentCallbackName): Record<string, unknown> =>
  callbacksFile[name] as Record<string, unknown>;
