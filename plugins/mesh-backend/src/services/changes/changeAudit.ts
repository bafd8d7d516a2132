/*
 * Every change, previewed or applied, refused or failed, recorded through
 * Backstage's auditor: who, which entity, cluster and object, which fields,
 * their values before and after, and the result. Never a credential.
 */
import type {
  AuditorService,
  AuditorServiceEvent,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
import type { Request } from 'express';

/** Who asked, as the audit record names them. */
export function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal?.type === 'user' && principal.userEntityRef) {
    return principal.userEntityRef;
  }
  if (principal?.type === 'service' && principal.subject) {
    return principal.subject;
  }
  return principal?.type ?? 'unknown';
}

/** One audited change: started when asked, finished with its result. */
export class ChangeAudit {
  private constructor(
    private readonly event: AuditorServiceEvent,
    private readonly meta: JsonObject,
  ) {}

  /**
   * Opens the record of a change (`eventId: chain-change`): previews are of
   * low severity, applies of medium (a write).
   */
  static async start(
    auditor: AuditorService,
    options: {
      action: 'preview' | 'apply';
      credentials: BackstageCredentials;
      request?: Request;
      meta: JsonObject;
    },
  ): Promise<ChangeAudit> {
    const meta: JsonObject = {
      action: options.action,
      actor: actorOf(options.credentials),
      ...options.meta,
    };
    const event = await auditor.createEvent({
      eventId: 'chain-change',
      severityLevel: options.action === 'apply' ? 'medium' : 'low',
      ...(options.request && { request: options.request }),
      meta,
    });
    return new ChangeAudit(event, meta);
  }

  /** Adds what became known (the object, fields, values) to the record. */
  note(meta: JsonObject): void {
    Object.assign(this.meta, meta);
  }

  async succeeded(result: string, meta: JsonObject = {}): Promise<void> {
    await this.event.success({ meta: { ...this.meta, ...meta, result } });
  }

  async failed(error: Error, result: string): Promise<void> {
    await this.event.fail({ error, meta: { ...this.meta, result } });
  }
}
