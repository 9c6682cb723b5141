/** One in-memory fake per port of functions/adapters, with the same contract as the real adapter. */
export { CallLog } from './call-log';
export { FakeBigCommerce } from './bigcommerce';
export { MemoryChannelStore } from './channel-store';
export { MemoryHookWorkQueue } from './hook-work-queue';
export { MemoryPublisher } from './channel-events';
export { MemoryOrderStore } from './order-store';
export { MemoryQueue } from './order-event-queue';
export { MemorySecretStore } from './secret-store';
export { MemorySupportReader } from './support-reader';
