/**
 * One alert as the notification stage sees it: the latest transition of one alert series
 * (alert.state payload, ADR 0002), reduced to what receivers get (Alertmanager's alert model).
 */
export interface NotifyAlert {
  fingerprint: string;
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Epoch ms. */
  startsAt: number;
  /** Epoch ms; set once resolved. */
  endsAt?: number;
  generatorURL: string;
  /** The transition this snapshot comes from: `<fingerprint>:<sequence>`, unique and deterministic. */
  transitionId: string;
  /** Muted by topology or inhibit_rules (evaluation side): listed by the API, never notified. */
  inhibitedBy: string[];
  flapping: boolean;
  /** When the transition happened (event ts), epoch ms. */
  updatedAt: number;
}
