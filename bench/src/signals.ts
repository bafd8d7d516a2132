/*
 * A page's signals connection: the WebSocket the Backstage signals frontend
 * opens to /api/signals, subscribed to channels, recording when each
 * message arrives.
 */
import WebSocket from 'ws';

export interface SignalMessage {
  channel: string;
  message: any;
  receivedAt: number;
}

export class SignalsClient {
  private readonly waiters = new Set<{
    channel: string;
    after: number;
    resolve: (m: SignalMessage) => void;
  }>();
  readonly received: SignalMessage[] = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', data => {
      let parsed: { channel?: string; message?: unknown };
      try {
        parsed = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (!parsed.channel) {
        return;
      }
      const message: SignalMessage = {
        channel: parsed.channel,
        message: parsed.message,
        receivedAt: Date.now(),
      };
      this.received.push(message);
      for (const waiter of [...this.waiters]) {
        if (
          waiter.channel === message.channel &&
          message.receivedAt >= waiter.after
        ) {
          this.waiters.delete(waiter);
          waiter.resolve(message);
        }
      }
    });
  }

  /**
   * Opens the connection, retrying as the signals frontend does: the
   * signals backend starts handling WebSocket upgrades on the first upgrade
   * request it sees, which itself goes unanswered.
   */
  static async connect(baseUrl: string, token: string): Promise<SignalsClient> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/api/signals`;
    let lastError: unknown;
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        const ws = await new Promise<WebSocket>((resolve, reject) => {
          // The signals frontend sends the user's token as the subprotocol.
          const socket = new WebSocket(url, token);
          const timer = setTimeout(() => {
            socket.terminate();
            reject(new Error('no answer to the upgrade within 2 s'));
          }, 2000);
          socket.once('open', () => {
            clearTimeout(timer);
            resolve(socket);
          });
          socket.once('error', error => {
            clearTimeout(timer);
            reject(error);
          });
          socket.once('unexpected-response', (_req, res) => {
            clearTimeout(timer);
            reject(new Error(`upgrade answered ${res.statusCode}`));
          });
        });
        return new SignalsClient(ws);
      } catch (error) {
        lastError = error;
        await new Promise(r => setTimeout(r, 100));
      }
    }
    throw new Error(`Could not open ${url}: ${lastError}`);
  }

  subscribe(channel: string) {
    this.ws.send(JSON.stringify({ action: 'subscribe', channel }));
  }

  unsubscribe(channel: string) {
    this.ws.send(JSON.stringify({ action: 'unsubscribe', channel }));
  }

  /** The next message on `channel` received at or after `after` (epoch ms). */
  next(
    channel: string,
    after: number,
    timeoutMs: number,
  ): Promise<SignalMessage | undefined> {
    const already = this.received.find(
      m => m.channel === channel && m.receivedAt >= after,
    );
    if (already) {
      return Promise.resolve(already);
    }
    return new Promise(resolve => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const waiter = {
        channel,
        after,
        resolve: (m: SignalMessage | undefined) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(undefined);
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  close() {
    this.ws.close();
  }
}
