import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * The chart check of CI (issue 13 item 4), counted in the jest summary: scripts/helm-check.sh —
 * generated chart files up to date, helm lint + template with the default, ci/ and two-site
 * example values on two Kubernetes versions, strict decode into k8s.io/api plus the chart's
 * policy (no root, no privileged, NET_RAW only on the prober, probes and resources everywhere,
 * command paths in the build), every rendered config booted through loadConfig, and bad values
 * refused with a message naming them. The first run builds helm from the Go module proxy
 * (minutes); later runs use ~/.cache/sonde.
 */
const ROOT = path.resolve(__dirname, '../..');

it('scripts/helm-check.sh passes', () => {
  const run = spawnSync('bash', [path.join(ROOT, 'scripts/helm-check.sh')], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const output = `${run.stdout}\n${run.stderr}`;
  if (run.status !== 0) throw new Error(`helm-check exited ${run.status}:\n${output.slice(-8000)}`);
  expect(output).toContain('helm-check: all passed');
  // each refusal names what it refused; none slipped through
  expect(output).not.toMatch(/^FAIL/m);
  expect((output.match(/^refused as expected:/gm) ?? []).length).toBeGreaterThanOrEqual(15);
}, 1_200_000);
