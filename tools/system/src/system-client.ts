/** An order line as `POST /orders` takes it (price in cents). */
export interface OrderLineInput {
  sku: string;
  quantity: number;
  unitPrice: number;
}

/** An order as `GET /orders/:id` answers (the fields the system tools read). */
export interface OrderState {
  orderId: string;
  customerId: string;
  status: 'PENDING' | 'APPROVED' | 'REJECTED' | 'CANCELLATION_REQUESTED' | 'CANCELLED';
  reason: string | null;
  total: number;
}

/** What `GET /stock/:sku` answers. */
export interface StockState {
  sku: string;
  available: number;
  reserved: number;
}

/** What `GET /accounts/:customerId` answers (cents). */
export interface AccountState {
  customerId: string;
  creditLimit: number;
  charged: number;
  refunded: number;
}

/**
 * The demo system's HTTP APIs, as a client uses them: seed stock and accounts, place and read orders.
 * Every non-2xx answer throws with the method, URL, status and body.
 */
export class SystemClient {
  constructor(private readonly urls: { order: string; inventory: string; payment: string }) {}

  /** `PUT /stock/:sku` on inventory-service. */
  seedStock(sku: string, quantity: number): Promise<StockState> {
    return this.call('PUT', `${this.urls.inventory}/stock/${sku}`, { quantity });
  }

  /** `GET /stock/:sku`. */
  stock(sku: string): Promise<StockState> {
    return this.call('GET', `${this.urls.inventory}/stock/${sku}`);
  }

  /** `PUT /accounts/:customerId` on payment-service. */
  openAccount(customerId: string, creditLimit: number): Promise<AccountState> {
    return this.call('PUT', `${this.urls.payment}/accounts/${customerId}`, { creditLimit });
  }

  /** `GET /accounts/:customerId`. */
  account(customerId: string): Promise<AccountState> {
    return this.call('GET', `${this.urls.payment}/accounts/${customerId}`);
  }

  /** `POST /orders`: 202 with the new order's id; its saga runs asynchronously. */
  async placeOrder(customerId: string, items: readonly OrderLineInput[]): Promise<string> {
    const r = await this.call<{ orderId: string }>('POST', `${this.urls.order}/orders`, {
      customerId,
      items,
    });
    return r.orderId;
  }

  /** `GET /orders/:id`. */
  order(orderId: string): Promise<OrderState> {
    return this.call('GET', `${this.urls.order}/orders/${orderId}`);
  }

  private async call<T>(method: string, url: string, body?: unknown): Promise<T> {
    const res = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  }
}
