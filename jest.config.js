// One jest for the whole workspace. Specs run from source through swc (no type check:
// `npm run build` type-checks). *.spec.ts are unit tests; *.int-spec.ts need the real
// Kafka / ClickHouse / Redis / protocol peers that scripts/ starts (libs/testing).
const fs = require('node:fs');
const path = require('node:path');

const projectsIn = (dir) =>
  fs.existsSync(path.join(__dirname, dir))
    ? fs.readdirSync(path.join(__dirname, dir)).filter((n) => fs.existsSync(path.join(__dirname, dir, n, 'package.json')))
    : [];
const moduleNameMapper = { '^(\\.{1,2}/.*)\\.js$': '$1' };
for (const lib of projectsIn('libs')) moduleNameMapper[`^@sonde/${lib}/(.*)$`] = `<rootDir>/libs/${lib}/src/$1`;
for (const svc of projectsIn('services')) moduleNameMapper[`^@sonde/${svc}/(.*)$`] = `<rootDir>/services/${svc}/src/$1`;

const swc = ['@swc/jest', JSON.parse(fs.readFileSync(path.join(__dirname, '.swcrc'), 'utf8'))];
const unit = process.env.SONDE_TEST_UNIT_ONLY === '1';

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': swc },
  // @nestjs/terminus 12 and @platformatic/* (kafka) ship ESM only: swc turns it into CJS for jest (Node's own require(esm) loads it at run time).
  transformIgnorePatterns: ['/node_modules/(?!(@marcbachmann|@nestjs/terminus|@platformatic)/)'],
  moduleNameMapper,
  testMatch: unit
    ? ['<rootDir>/{libs,services}/*/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts']
    : ['<rootDir>/{libs,services}/*/{src,test}/**/*.{spec,int-spec}.ts', '<rootDir>/test/**/*.{spec,int-spec}.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  globalSetup: unit ? undefined : '<rootDir>/libs/testing/src/jest-global-setup.ts',
  globalTeardown: unit ? undefined : '<rootDir>/libs/testing/src/jest-global-teardown.ts',
  // A hang guard only (no test asserts speed): on 2 shared cores a Kafka suite can take minutes.
  testTimeout: 300000,
  setupFiles: ['reflect-metadata'],
};
