import nodemailer, { type Transporter } from 'nodemailer';
import { z } from 'zod';
import type { Notification } from '../notification';
import { notificationBody, notificationTitle } from '../notification-text';
import { NotifyError, type Notifier } from '../notifier';
import type { NotifierDeps } from './notifier-deps';

export const emailNotifierConfigSchema = z.strictObject({
  type: z.literal('email'),
  to: z.array(z.email()).min(1),
  from: z.email(),
  smarthost: z.strictObject({ host: z.string().min(1), port: z.number().int().min(1).max(65535).default(587) }),
  /** A `basic` credential for SMTP AUTH (sent only after STARTTLS). */
  credential: z.string().min(1).optional(),
  /** STARTTLS is required by default (RFC 3207); `false` only for a local relay. */
  requireTLS: z.boolean().default(true),
  /** PEM CA to verify the server (private PKI); the system store otherwise. */
  ca: z.string().optional(),
});
export type EmailNotifierConfig = z.infer<typeof emailNotifierConfigSchema>;

/** SMTP through nodemailer with STARTTLS (RFC 3207); the idempotency key is a message header. */
export class EmailNotifier implements Notifier {
  readonly type = 'email';
  readonly destination: string;
  private readonly transport: Transporter;

  constructor(
    private readonly config: EmailNotifierConfig,
    private readonly deps: NotifierDeps,
  ) {
    this.destination = `${config.smarthost.host}:${config.smarthost.port}`;
    const auth = config.credential ? deps.credentials.credentialOfType(config.credential, 'basic') : undefined;
    this.transport = nodemailer.createTransport({
      host: config.smarthost.host,
      port: config.smarthost.port,
      secure: false,
      requireTLS: config.requireTLS,
      connectionTimeout: deps.timeoutMs,
      greetingTimeout: deps.timeoutMs,
      socketTimeout: deps.timeoutMs,
      ...(auth ? { auth: { user: auth.username, pass: auth.password.reveal() } } : {}),
      tls: config.ca ? { ca: config.ca } : {},
    });
  }

  async send(n: Notification): Promise<void> {
    try {
      await this.transport.sendMail({
        from: this.config.from,
        to: this.config.to,
        subject: notificationTitle(n),
        text: `${notificationBody(n, 200)}\n\n${n.externalURL}\n`,
        headers: { 'X-Sonde-Idempotency-Key': n.idempotencyKey, 'X-Sonde-Group-Key': n.groupKey },
      });
    } catch (err) {
      const e = err as { responseCode?: number; message?: string };
      // 5xx SMTP replies are permanent (RFC 5321 §4.2.1); 4xx and connection failures are retried.
      const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500;
      throw new NotifyError(permanent ? 'malformed' : 'unavailable', `SMTP ${this.destination}: ${e.message ?? String(err)}`, { host: this.destination }, { cause: err });
    }
  }
}
