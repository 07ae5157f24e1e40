/** Who is emitting: the default labels of every metric and the bindings of every log line. */
export interface TelemetryIdentity {
  service: string;
  site: string;
  instance: string;
}
