import { alertmanagerNotifierConfigSchema } from './notifiers/alertmanager-notifier';
import { emailNotifierConfigSchema } from './notifiers/email-notifier';
import { logNotifierConfigSchema } from './notifiers/log-notifier';
import { pagerdutyNotifierConfigSchema } from './notifiers/pagerduty-notifier';
import { slackNotifierConfigSchema } from './notifiers/slack-notifier';
import { teamsNotifierConfigSchema } from './notifiers/teams-notifier';
import { webhookNotifierConfigSchema } from './notifiers/webhook-notifier';

/** The config schema of each notifier `type` (the discriminated union of `receivers[].notifiers[]`). */
export const NOTIFIER_CONFIG_SCHEMAS = [
  webhookNotifierConfigSchema,
  slackNotifierConfigSchema,
  teamsNotifierConfigSchema,
  emailNotifierConfigSchema,
  pagerdutyNotifierConfigSchema,
  alertmanagerNotifierConfigSchema,
  logNotifierConfigSchema,
] as const;
