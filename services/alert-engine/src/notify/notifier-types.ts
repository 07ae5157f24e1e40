import type { NotifierDeps } from './notifiers/notifier-deps';
import { AlertmanagerNotifier, type AlertmanagerNotifierConfig } from './notifiers/alertmanager-notifier';
import { EmailNotifier, type EmailNotifierConfig } from './notifiers/email-notifier';
import { LogNotifier, type LogNotifierConfig } from './notifiers/log-notifier';
import { PagerdutyNotifier, type PagerdutyNotifierConfig } from './notifiers/pagerduty-notifier';
import { SlackNotifier, type SlackNotifierConfig } from './notifiers/slack-notifier';
import { TeamsNotifier, type TeamsNotifierConfig } from './notifiers/teams-notifier';
import { WebhookNotifier, type WebhookNotifierConfig } from './notifiers/webhook-notifier';
import type { Notifier } from './notifier';

export type NotifierConfig =
  | WebhookNotifierConfig
  | SlackNotifierConfig
  | TeamsNotifierConfig
  | EmailNotifierConfig
  | PagerdutyNotifierConfig
  | AlertmanagerNotifierConfig
  | LogNotifierConfig;

type Factories = { [T in NotifierConfig['type']]: (config: Extract<NotifierConfig, { type: T }>, deps: NotifierDeps) => Notifier };

/** Notifiers keyed by config `type` (style rule 6). */
export const NOTIFIER_TYPES: Factories = {
  webhook: (c, d) => new WebhookNotifier(c, d),
  slack: (c, d) => new SlackNotifier(c, d),
  teams: (c, d) => new TeamsNotifier(c, d),
  email: (c, d) => new EmailNotifier(c, d),
  pagerduty: (c, d) => new PagerdutyNotifier(c, d),
  alertmanager: (c, d) => new AlertmanagerNotifier(c, d),
  log: (c, d) => new LogNotifier(c, d),
};

export function createNotifier(config: NotifierConfig, deps: NotifierDeps): Notifier {
  const factory = NOTIFIER_TYPES[config.type] as (c: NotifierConfig, d: NotifierDeps) => Notifier;
  return factory(config, deps);
}
