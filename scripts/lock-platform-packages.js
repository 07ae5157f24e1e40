// chdb's platform packages for other OSes/CPUs are not served by the registry this project
// installs from, so `npm install` leaves them out of package-lock.json and `npm ci` then refuses
// the lock ("Missing: @chdb/lib-darwin-arm64 from lock file"). This restores their entries,
// marked optional with their os/cpu, so npm ci skips them on other platforms. Run after any
// `npm install` that rewrites the lock (scripts/bootstrap.sh checks it).
const fs = require('node:fs');
const path = require('node:path');
const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const pkgs = lock.packages;
const PLATFORMS = {
  'darwin-arm64': { os: ['darwin'], cpu: ['arm64'] },
  'darwin-x64': { os: ['darwin'], cpu: ['x64'] },
  'linux-arm64-gnu': { os: ['linux'], cpu: ['arm64'], libc: ['glibc'] },
  'linux-x64-gnu': { os: ['linux'], cpu: ['x64'], libc: ['glibc'] },
};
let added = 0;
for (const [name, version] of Object.entries(pkgs['node_modules/chdb']?.optionalDependencies ?? {})) {
  const key = `node_modules/${name}`;
  if (pkgs[key]) continue;
  const platform = PLATFORMS[name.replace('@chdb/lib-', '')];
  if (!platform) throw new Error(`unknown chdb platform package ${name}`);
  pkgs[key] = { version, ...platform, license: 'Apache-2.0', optional: true };
  added++;
}
if (added) {
  const sorted = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
  lock.packages = sorted;
  fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
}
console.log(added ? `package-lock.json: restored ${added} chdb platform entries` : 'package-lock.json: chdb platform entries present');
