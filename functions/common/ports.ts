import type { ChannelStore } from '../adapters/channel-store';
import type { HookWorkQueue } from '../adapters/hook-work-queue';
import type { OrderEventQueue } from '../adapters/order-event-queue';
import type { OrderStore } from '../adapters/order-store';
import type { SecretStore } from '../adapters/secret-store';

/** The ports a function's role is granted per method (lib/store-access.ts maps methods to IAM actions). */
interface GrantedPorts {
  channels: ChannelStore;
  orders: OrderStore;
  secrets: SecretStore;
  orderEventQueue: OrderEventQueue;
  /** hook-manager's own work queue (it also consumes it, through its event source). */
  hookWorkQueue: HookWorkQueue;
}

/**
 * The port methods a function calls, per port. Each function declares its own in `functions/<fn>/ports.ts`:
 * its CDK construct grants exactly these, and its deps are typed with `Uses`, so a call the role is
 * not granted does not compile.
 */
export type StoreAccess = { readonly [P in keyof GrantedPorts]: readonly (keyof GrantedPorts[P])[] };

/** Port `P` narrowed to the methods `access` declares for it. */
export type Uses<A extends StoreAccess, P extends keyof GrantedPorts> = Pick<
  GrantedPorts[P],
  // Always a key of the port (StoreAccess says so); the Extract only spells that out for the checker.
  Extract<A[P][number], keyof GrantedPorts[P]>
>;
